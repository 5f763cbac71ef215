//! Time expressions next to event mentions, resolved against the article date:
//! "on March 12", "March 12, 2026", "12 March", "Tuesday", "Tuesday's", "last Tuesday",
//! "yesterday", "earlier this week", "last week".

use chrono::{Datelike, Days, NaiveDate, Weekday};

use std::collections::HashMap;
use std::sync::LazyLock;

use super::tokens::{lower_base, Toks};

#[derive(Clone, Copy)]
enum Cal {
    Day(Weekday),
    Month(u32),
    Holiday,
}

static CALENDAR: LazyLock<HashMap<&'static str, Cal>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for (w, d) in [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ] {
        m.insert(w, Cal::Day(d));
    }
    // Full month names and common abbreviations ("May" yes, "mar" no: too ambiguous).
    for (w, n) in [
        ("january", 1),
        ("february", 2),
        ("march", 3),
        ("april", 4),
        ("may", 5),
        ("june", 6),
        ("july", 7),
        ("august", 8),
        ("september", 9),
        ("october", 10),
        ("november", 11),
        ("december", 12),
        ("jan", 1),
        ("feb", 2),
        ("apr", 4),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("sept", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ] {
        m.insert(w, Cal::Month(n));
    }
    for w in [
        "christmas",
        "easter",
        "thanksgiving",
        "halloween",
        "ramadan",
        "eid",
        "hanukkah",
        "passover",
        "diwali",
        "valentine",
    ] {
        m.insert(w, Cal::Holiday);
    }
    m
});

/// The calendar meaning of a word, ignoring case, a possessive and a final dot.
fn calendar(w: &str) -> Option<Cal> {
    let mut buf = [0u8; 24];
    let l = lower_base(w, &mut buf)?;
    CALENDAR.get(l.trim_end_matches('.')).copied()
}

fn weekday(w: &str) -> Option<Weekday> {
    match calendar(w)? {
        Cal::Day(d) => Some(d),
        _ => None,
    }
}

/// Months only when capitalised ("may" is a verb).
fn month(w: &str) -> Option<u32> {
    if !w.starts_with(|c: char| c.is_uppercase()) {
        return None;
    }
    match calendar(w)? {
        Cal::Month(m) => Some(m),
        _ => None,
    }
}

/// True when the word names a month, weekday or holiday (not a place or a party).
pub fn is_calendar_word(w: &str) -> bool {
    match calendar(w) {
        Some(Cal::Month(_)) => w.starts_with(|c: char| c.is_uppercase()),
        Some(_) => true,
        None => false,
    }
}

/// "12", "12th", "3rd" → 12, 12, 3.
fn day_number(w: &str) -> Option<u32> {
    let b = w.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 2 {
        return None;
    }
    let rest = &w[digits..];
    if !matches!(rest, "" | "st" | "nd" | "rd" | "th") {
        return None;
    }
    let n: u32 = w[..digits].parse().ok()?;
    (1..=31).contains(&n).then_some(n)
}

fn year_number(w: &str) -> Option<i32> {
    let y: i32 = w.parse().ok()?;
    (1900..=2100).contains(&y).then_some(y)
}

/// The most recent `wd` on or before `date` (or strictly before when `strict`).
fn previous_weekday(date: NaiveDate, wd: Weekday, strict: bool) -> NaiveDate {
    let mut back = (7 + date.weekday().num_days_from_monday() - wd.num_days_from_monday()) % 7;
    if back == 0 && strict {
        back = 7;
    }
    date.checked_sub_days(Days::new(back.into()))
        .unwrap_or(date)
}

fn next_weekday(date: NaiveDate, wd: Weekday) -> NaiveDate {
    let mut fwd = (7 + wd.num_days_from_monday() - date.weekday().num_days_from_monday()) % 7;
    if fwd == 0 {
        fwd = 7;
    }
    date.checked_add_days(Days::new(fwd.into())).unwrap_or(date)
}

/// A month and day without a year: the article's year, or the previous year when that would
/// put the date more than a month after the article.
fn with_article_year(m: u32, d: u32, article: Option<NaiveDate>) -> Option<NaiveDate> {
    let a = article?;
    let here = NaiveDate::from_ymd_opt(a.year(), m, d)?;
    if here > a + chrono::Duration::days(31) {
        NaiveDate::from_ymd_opt(a.year() - 1, m, d)
    } else {
        Some(here)
    }
}

/// A date expression starting at word token `i`: the date and the index just past it.
pub fn date_at(t: &Toks<'_>, i: usize, article: Option<NaiveDate>) -> Option<(NaiveDate, usize)> {
    let w = t.word(i)?;
    let first = w.as_bytes().first()?;
    if !first.is_ascii_alphanumeric() {
        return None;
    }
    let mut buf = [0u8; 24];
    let lw = lower_base(w, &mut buf).unwrap_or("");
    let shift =
        |days: i64| article.and_then(|a| a.checked_add_signed(chrono::Duration::days(days)));
    match lw {
        "yesterday" | "yesterday's" => return shift(-1).map(|d| (d, i + 1)),
        "today" | "today's" | "tonight" | "tonight's" => return shift(0).map(|d| (d, i + 1)),
        "tomorrow" | "tomorrow's" => return shift(1).map(|d| (d, i + 1)),
        "last" | "next" | "this" | "earlier" | "later" => {
            let strict_past = lw == "last";
            let mut j = i + 1;
            if (lw == "earlier" || lw == "later") && t.word_is(j, "this") {
                j += 1;
            }
            let n = t.word(j)?;
            if let Some(wd) = weekday(n) {
                let a = article?;
                let d = if lw == "next" {
                    next_weekday(a, wd)
                } else {
                    previous_weekday(a, wd, strict_past)
                };
                return Some((d, j + 1));
            }
            let nl = n.to_ascii_lowercase();
            let days = match (lw, nl.as_str()) {
                ("last", "week") => -7,
                ("next", "week") => 7,
                ("this", "week") | ("earlier", "week") => -2,
                ("later", "week") => 2,
                ("last", "night")
                | ("this", "morning")
                | ("this", "afternoon")
                | ("this", "evening") => {
                    if nl == "night" {
                        -1
                    } else {
                        0
                    }
                }
                ("last", "month") => -30,
                ("earlier", "month") | ("this", "month") => -10,
                _ => return None,
            };
            return shift(days).map(|d| (d, j + 1));
        }
        _ => {}
    }
    if let Some(wd) = weekday(w) {
        let a = article?;
        return Some((previous_weekday(a, wd, false), i + 1));
    }
    if let Some(m) = month(w) {
        // "March 12", "March 12, 2026", "Mar. 12 2026"
        let d = t.word(i + 1).and_then(day_number)?;
        let mut j = i + 2;
        if t.punct_is(j, ',') {
            if let Some(y) = t.word(j + 1).and_then(year_number) {
                return NaiveDate::from_ymd_opt(y, m, d).map(|x| (x, j + 2));
            }
        } else if let Some(y) = t.word(j).and_then(year_number) {
            j += 1;
            return NaiveDate::from_ymd_opt(y, m, d).map(|x| (x, j));
        }
        return with_article_year(m, d, article).map(|x| (x, i + 2));
    }
    if let Some(d) = day_number(w) {
        // "12 March", "12 March 2026"
        let m = t.word(i + 1).and_then(month)?;
        if let Some(y) = t.word(i + 2).and_then(year_number) {
            return NaiveDate::from_ymd_opt(y, m, d).map(|x| (x, i + 3));
        }
        return with_article_year(m, d, article).map(|x| (x, i + 2));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::events::tokens::Toks;

    fn at(text: &str, article: &str) -> Option<NaiveDate> {
        let t = Toks::new(text, 0..text.len());
        date_at(&t, 0, NaiveDate::parse_from_str(article, "%Y-%m-%d").ok()).map(|x| x.0)
    }

    fn d(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    #[test]
    fn relative_and_absolute() {
        // 2026-03-12 is a Thursday.
        assert_eq!(at("Tuesday", "2026-03-12"), d("2026-03-10"));
        assert_eq!(at("Thursday's", "2026-03-12"), d("2026-03-12"));
        assert_eq!(at("last Thursday", "2026-03-12"), d("2026-03-05"));
        assert_eq!(at("next Monday", "2026-03-12"), d("2026-03-16"));
        assert_eq!(at("yesterday", "2026-03-12"), d("2026-03-11"));
        assert_eq!(at("earlier this week", "2026-03-12"), d("2026-03-10"));
        assert_eq!(at("March 9", "2026-03-12"), d("2026-03-09"));
        assert_eq!(at("December 30", "2026-01-02"), d("2025-12-30"));
        assert_eq!(at("March 9, 2024", "2026-03-12"), d("2024-03-09"));
        assert_eq!(at("9 March 2024", "2026-03-12"), d("2024-03-09"));
    }

    #[test]
    fn not_dates() {
        assert_eq!(at("May", "2026-03-12"), None);
        assert_eq!(at("march on", "2026-03-12"), None);
        assert_eq!(at("Tuesday", "bad"), None);
        assert_eq!(at("last year", "2026-03-12"), None);
    }
}
