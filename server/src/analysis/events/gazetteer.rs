//! A small gazetteer of generic world knowledge (`gazetteer.txt`): countries and their
//! adjectives, major cities with their country, regions, and landmarks with their city. Used to
//! normalise event places ("at the Palais des Nations" → "geneva") and parties ("US–China",
//! "Élysée-Berlin" → "france", "germany").

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::analysis::lexicon::fold_diacritics;

/// What a gazetteer name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    Country,
    /// Country adjective ("Swiss", "American").
    Adjective,
    City,
    /// State or province ("Texas", "Bavaria").
    Region,
    Landmark,
}

#[derive(Debug, Clone)]
pub struct Place {
    pub kind: PlaceKind,
    /// Normalised key of the place itself: country key ("us") for countries and adjectives,
    /// lower-cased canonical name for cities, regions and (through their city) landmarks.
    pub key: String,
    /// Country key of the place ("switzerland" for Geneva), when known.
    pub country: Option<String>,
    /// Display form of `key` for cities/regions ("Geneva").
    pub display: String,
}

struct Gazetteer {
    by_name: HashMap<String, Place>,
    /// Country keys ("south_korea") → themselves, for `country_of`.
    countries: HashSet<String>,
    /// Longest name in words, to bound lookups.
    max_words: usize,
}

/// Lower-case, diacritic-folded, dots and apostrophes removed, single spaces:
/// "U.S." → "us", "Élysée" → "elysee", "St. Peter's" → "st peters".
pub fn norm(s: &str) -> String {
    let folded = fold_diacritics(s).to_lowercase();
    let mut out = String::with_capacity(folded.len());
    for w in folded.split(|c: char| c.is_whitespace()) {
        let w: String = w.chars().filter(|c| *c != '.' && *c != '\'').collect();
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w);
    }
    out
}

static GAZ: LazyLock<Gazetteer> = LazyLock::new(|| {
    let text = include_str!("gazetteer.txt");
    let mut by_name: HashMap<String, Place> = HashMap::new();
    let mut city_country: HashMap<String, String> = HashMap::new();
    let mut landmarks: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            continue;
        }
        let (kind, name, value) = (cols[0], cols[1], cols[2]);
        let place = match kind {
            "country" | "adj" => Place {
                kind: if kind == "country" {
                    PlaceKind::Country
                } else {
                    PlaceKind::Adjective
                },
                key: value.to_string(),
                country: Some(value.to_string()),
                display: name.to_string(),
            },
            "city" | "region" => {
                let canonical = cols.get(3).copied().unwrap_or(name);
                let key = norm(canonical);
                if kind == "city" {
                    city_country.insert(key.clone(), value.to_string());
                }
                Place {
                    kind: if kind == "city" {
                        PlaceKind::City
                    } else {
                        PlaceKind::Region
                    },
                    key,
                    country: Some(value.to_string()),
                    display: canonical.to_string(),
                }
            }
            "landmark" => {
                landmarks.push((norm(name), value.to_string()));
                continue;
            }
            _ => continue,
        };
        // First entry wins (countries before cities before regions in the file).
        by_name.entry(norm(name)).or_insert(place);
    }
    for (name, city) in landmarks {
        let key = norm(&city);
        let country = city_country
            .get(&key)
            .cloned()
            .or_else(|| by_name.get(&key).and_then(|p| p.country.clone()));
        let display = by_name
            .get(&key)
            .map_or_else(|| city.clone(), |p| p.display.clone());
        by_name.entry(name).or_insert(Place {
            kind: PlaceKind::Landmark,
            key,
            country,
            display,
        });
    }
    let max_words = by_name
        .keys()
        .map(|k| k.split(' ').count())
        .max()
        .unwrap_or(1);
    let countries = by_name.values().filter_map(|p| p.country.clone()).collect();
    Gazetteer {
        by_name,
        countries,
        max_words,
    }
});

/// Look a name up ("Geneva", "the Palais des Nations" without the article, "U.S.").
pub fn lookup(name: &str) -> Option<&'static Place> {
    // Fast path: short ASCII names without dots, apostrophes or runs of spaces.
    let b = name.as_bytes();
    if b.len() <= 48
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b' ' || *c == b'-')
        && !name.contains("  ")
    {
        let mut buf = [0u8; 48];
        for (d, c) in buf.iter_mut().zip(b) {
            *d = c.to_ascii_lowercase();
        }
        let n = std::str::from_utf8(&buf[..b.len()]).unwrap_or("").trim();
        let n = n.strip_prefix("the ").unwrap_or(n);
        return GAZ.by_name.get(n);
    }
    let n = norm(name);
    let n = n.strip_prefix("the ").unwrap_or(&n);
    GAZ.by_name.get(n)
}

/// Longest number of words of any gazetteer name.
pub fn max_words() -> usize {
    GAZ.max_words
}

/// Display form for a normalised place key ("geneva" → "Geneva"); title-cases unknown keys.
pub fn display(key: &str) -> String {
    if let Some(p) = GAZ.by_name.get(key) {
        if matches!(p.kind, PlaceKind::City | PlaceKind::Region) {
            return p.display.clone();
        }
    }
    key.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Country key of a normalised place key ("geneva" → "switzerland"; "us" → "us").
pub fn country_of(key: &str) -> Option<&'static str> {
    if let Some(c) = GAZ.countries.get(key) {
        return Some(c.as_str());
    }
    GAZ.by_name.get(key).and_then(|p| p.country.as_deref())
}

/// True when the normalised place key is known to the gazetteer.
pub fn is_known(key: &str) -> bool {
    GAZ.by_name.contains_key(key) || GAZ.countries.contains(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landmarks_resolve_to_cities() {
        let p = lookup("Palais des Nations").unwrap();
        assert_eq!(p.kind, PlaceKind::Landmark);
        assert_eq!(p.key, "geneva");
        assert_eq!(p.country.as_deref(), Some("switzerland"));
        assert_eq!(lookup("the Élysée").unwrap().key, "paris");
        assert_eq!(
            lookup("Kremlin").unwrap().country.as_deref(),
            Some("russia")
        );
    }

    #[test]
    fn countries_adjectives_and_aliases() {
        assert_eq!(lookup("U.S.").unwrap().key, "us");
        assert_eq!(lookup("American").unwrap().kind, PlaceKind::Adjective);
        assert_eq!(lookup("Chinese").unwrap().key, "china");
        assert_eq!(lookup("Kiev").unwrap().key, "kyiv");
        assert_eq!(lookup("Geneva").unwrap().display, "Geneva");
        assert_eq!(country_of("geneva"), Some("switzerland"));
        assert!(lookup("Tuesday").is_none());
        assert!(lookup("").is_none());
    }
}
