//! Cross-article event linking: clusters of event mentions that refer to the same real-world
//! event, across every article of the workspace.
//!
//! Model:
//! - Inside one article, a bare anaphor and its antecedent form a *chain* (union over
//!   `EventMention::antecedent`); a chain's features are the union of its mentions' qualifiers.
//! - A chain joins the best *compatible* cluster of the same class and trigger group
//!   (talks ≈ meeting ≈ negotiations), or founds a new one. Compatible: the same KB event if
//!   the chain is anchored; known places that can be the same (Geneva ⊂ Switzerland; two
//!   cities conflict); party sets of which one contains the other; effective dates (the stated
//!   date, else the article date) spanning at most `WINDOW_DAYS`, stated dates at most
//!   `STATED_WINDOW_DAYS`. Shared places, participants and parties rank the candidates.
//! - Candidates are found by hash lookup on blocking keys — (class, group, date bucket),
//!   (class, group, undated), (class, group, any) for undated chains — never by scanning all
//!   clusters.
//! - `[[event]]` KB entries anchor clusters ("kb:<id>"), name them and lend them their date,
//!   place and participants, so unanchored mentions of the same event join them too.
//!
//! Incremental: `update_file` takes the file's chains out of their clusters (subtracting their
//! counts: O(chain features), whatever the cluster size) and places the new chains, touching
//! only the blocks they fall in. Strings are interned; a chain costs a few dozen bytes plus its
//! best mention text. Greedy placement depends on arrival order; `recluster_all` rebuilds
//! every cluster in a canonical order (date, then text) for reproducible batch output.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use chrono::NaiveDate;

use crate::analysis::events::gazetteer;
use crate::analysis::kb::{name_key, surname_of, KbIndex};
use crate::analysis::{EventClass, EventMention};

/// Effective dates of one event's mentions span at most this many days.
pub const WINDOW_DAYS: i64 = 30;
/// Stated event dates ("on March 12") of one event span at most this many days.
pub const STATED_WINDOW_DAYS: i64 = 3;
const BUCKET_DAYS: i64 = 16;
/// Bucket under which every cluster of a class and group is registered.
const ANY_BUCKET: i64 = i64::MIN;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSummary {
    pub key: String,
    /// KB name, else the text of the most specific mention ("the Geneva summit").
    pub name: String,
    /// KB date, else the most common stated date, else the earliest article date.
    pub date: Option<NaiveDate>,
    /// Display form ("Geneva").
    pub place: Option<String>,
    /// Names, most frequent first (KB participants resolved to names when anchored).
    pub participants: Vec<String>,
    pub kb_id: Option<String>,
    /// Number of distinct files with a mention.
    pub files: usize,
}

type Sym = u32;

use rustc_hash::FxHasher as Fx;

type FxMap<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;

/// Interned strings (groups, places, parties, person keys and names, KB ids).
#[derive(Debug, Default)]
struct Interner {
    map: FxMap<Box<str>, Sym>,
    names: Vec<Box<str>>,
}

impl Interner {
    fn get(&mut self, s: &str) -> Sym {
        if let Some(&x) = self.map.get(s) {
            return x;
        }
        let x = self.names.len() as Sym;
        self.names.push(s.into());
        self.map.insert(s.into(), x);
        x
    }

    fn name(&self, x: Sym) -> &str {
        self.names.get(x as usize).map_or("", |s| s)
    }
}

/// What one chain (a mention and its anaphors in one article) says about its event.
#[derive(Debug, Clone)]
struct Feat {
    class: EventClass,
    group: Sym,
    kb: Option<Sym>,
    /// Gazetteer-known place keys ("geneva", "switzerland").
    known_places: Box<[Sym]>,
    /// Other proper-noun place modifiers ("fulton courthouse"): evidence, never a conflict.
    other_places: Box<[Sym]>,
    /// Sorted.
    parties: Box<[Sym]>,
    /// (surname key, display name).
    participants: Box<[(Sym, Sym)]>,
    /// Stated date of the event.
    stated: Option<NaiveDate>,
    /// Stated date, else the article date.
    eff: Option<NaiveDate>,
    best_text: Box<str>,
    best_score: u8,
}

#[derive(Debug, Clone)]
struct Chain {
    mentions: Box<[u32]>,
    feat: Feat,
    cluster: u64,
}

#[derive(Debug, Default)]
struct FileEvents {
    chains: Vec<Chain>,
    /// Mention index → chain index.
    mention_chain: Box<[u32]>,
}

#[derive(Debug, Clone, Default)]
struct KbFacts {
    name: String,
    date: Option<NaiveDate>,
    place: Option<(Sym, bool)>,
    place_display: Option<String>,
    participants: Vec<(Sym, Sym)>,
}

fn bump<K: Hash + Eq>(m: &mut FxMap<K, u32>, k: K, add: bool) {
    if add {
        *m.entry(k).or_default() += 1;
    } else if let Some(c) = m.get_mut(&k) {
        *c -= 1;
        if *c == 0 {
            m.remove(&k);
        }
    }
}

fn bump_date(m: &mut BTreeMap<NaiveDate, u32>, d: NaiveDate, add: bool) {
    if add {
        *m.entry(d).or_default() += 1;
    } else if let Some(c) = m.get_mut(&d) {
        *c -= 1;
        if *c == 0 {
            m.remove(&d);
        }
    }
}

#[derive(Debug, Clone)]
struct Cluster {
    id: u64,
    class: EventClass,
    group: Sym,
    kb: Option<Sym>,
    kb_facts: Option<KbFacts>,
    members: BTreeSet<(u32, u32)>,
    // Counts over members (KB facts are consulted separately).
    dates: BTreeMap<NaiveDate, u32>,
    stated: BTreeMap<NaiveDate, u32>,
    undated: u32,
    known_places: FxMap<Sym, u32>,
    other_places: FxMap<Sym, u32>,
    parties: FxMap<Sym, u32>,
    /// Person key → count; display names kept apart (longest seen).
    participants: FxMap<Sym, u32>,
    display: FxMap<Sym, Sym>,
    /// Members ranked by specificity: (score, text length, file, chain); the last names it.
    ranked: BTreeSet<(u8, u32, u32, u32)>,
    /// File → number of member chains.
    files: FxMap<u32, u32>,
    registered: Vec<u64>,
}

/// The cross-article event index. See the module documentation.
#[derive(Debug, Default)]
pub struct EventIndex {
    files: FxMap<u32, FileEvents>,
    clusters: FxMap<u64, Cluster>,
    /// Blocking key → cluster ids.
    blocks: FxMap<u64, Vec<u64>>,
    kb_clusters: FxMap<Sym, u64>,
    /// Ids of the KB events the KB clusters were made from (to notice a new KB).
    kb_seen: Vec<String>,
    strings: Interner,
    next_id: u64,
}

fn block_key(class: EventClass, group: Sym, bucket: Option<i64>) -> u64 {
    let mut h = Fx::default();
    class.hash(&mut h);
    group.hash(&mut h);
    bucket.hash(&mut h);
    h.finish()
}

fn bucket_of(d: NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(d.num_days_from_ce()).div_euclid(BUCKET_DAYS)
}

fn days(a: NaiveDate, b: NaiveDate) -> i64 {
    (a - b).num_days().abs()
}

fn min_opt(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn max_opt(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Can two gazetteer-known places be the same place? Equal, or one is the other's country, or
/// a city and a region of the same country (the gazetteer does not know which state a city
/// is in).
fn places_compatible(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let ca = gazetteer::country_of(a);
    let cb = gazetteer::country_of(b);
    if ca == Some(b) || cb == Some(a) {
        return true;
    }
    let is_region =
        |k: &str| gazetteer::lookup(k).is_some_and(|p| p.kind == gazetteer::PlaceKind::Region);
    ca.is_some() && ca == cb && (is_region(a) != is_region(b))
}

fn person_key(name: &str) -> String {
    name_key(surname_of(name.trim()))
}

/// How specific a mention is, for naming a cluster.
fn specificity(m: &EventMention) -> u8 {
    let mut s = 0;
    if m.kb_id.is_some() {
        s += 8;
    }
    if m.place.is_some() {
        s += 3;
    }
    if !m.parties.is_empty() {
        s += 3;
    }
    if m.date.is_some() {
        s += 1;
    }
    if m.extent.is_some() {
        s += 1;
    }
    if m.antecedent.is_none() {
        s += 1;
    }
    s
}

/// Ranking key of a member: more specific first, then longer text; ties by position (the
/// earliest file and chain win, so the order is reversed there).
fn rank_of(f: &Feat, file: u32, chain: u32) -> (u8, u32, u32, u32) {
    (
        f.best_score,
        f.best_text.len() as u32,
        u32::MAX - file,
        u32::MAX - chain,
    )
}

fn place_sym(strings: &mut Interner, place: &str) -> (Sym, bool) {
    let key = gazetteer::lookup(place).map_or_else(|| gazetteer::norm(place), |p| p.key.clone());
    let known = gazetteer::is_known(&key);
    (strings.get(&key), known)
}

impl Feat {
    fn from_mentions(
        ms: &[&EventMention],
        article_date: Option<NaiveDate>,
        strings: &mut Interner,
    ) -> Feat {
        let first = ms[0];
        let group = if first.group.is_empty() {
            &first.trigger
        } else {
            &first.group
        };
        let mut kb = None;
        let mut known = Vec::new();
        let mut other = Vec::new();
        let mut parties = Vec::new();
        let mut participants: Vec<(Sym, Sym)> = Vec::new();
        let mut stated = None;
        let mut best: (u8, &str) = (0, "");
        for m in ms {
            if kb.is_none() {
                kb = m.kb_id.as_deref().map(|k| strings.get(k));
            }
            if let Some(p) = &m.place {
                let list = if gazetteer::is_known(p) {
                    &mut known
                } else {
                    &mut other
                };
                let s = strings.get(p);
                if !list.contains(&s) {
                    list.push(s);
                }
            }
            for p in &m.parties {
                let s = strings.get(p);
                if !parties.contains(&s) {
                    parties.push(s);
                }
            }
            for name in &m.participants {
                let k = person_key(name);
                if k.is_empty() {
                    continue;
                }
                let k = strings.get(&k);
                if !participants.iter().any(|(x, _)| *x == k) {
                    participants.push((k, strings.get(name)));
                }
            }
            if stated.is_none() {
                stated = m.date;
            }
            let sc = specificity(m);
            if best.1.is_empty() || sc > best.0 {
                best = (sc, &m.text);
            }
        }
        parties.sort_unstable();
        Feat {
            class: first.class,
            group: strings.get(group),
            kb,
            known_places: known.into(),
            other_places: other.into(),
            parties: parties.into(),
            participants: participants.into(),
            stated,
            eff: stated.or(article_date),
            best_text: best.1.into(),
            best_score: best.0,
        }
    }
}

impl Cluster {
    fn new(id: u64, class: EventClass, group: Sym) -> Cluster {
        Cluster {
            id,
            class,
            group,
            kb: None,
            kb_facts: None,
            members: BTreeSet::new(),
            dates: BTreeMap::new(),
            stated: BTreeMap::new(),
            undated: 0,
            known_places: FxMap::default(),
            other_places: FxMap::default(),
            parties: FxMap::default(),
            participants: FxMap::default(),
            display: FxMap::default(),
            ranked: BTreeSet::new(),
            files: FxMap::default(),
            registered: Vec::new(),
        }
    }

    fn key(&self, strings: &Interner) -> String {
        match self.kb {
            Some(id) => format!("kb:{}", strings.name(id)),
            None => format!("ev:{}", self.id),
        }
    }

    fn kb_date(&self) -> Option<NaiveDate> {
        self.kb_facts.as_ref().and_then(|k| k.date)
    }

    fn lo(&self) -> Option<NaiveDate> {
        min_opt(self.dates.keys().next().copied(), self.kb_date())
    }

    fn hi(&self) -> Option<NaiveDate> {
        max_opt(self.dates.keys().next_back().copied(), self.kb_date())
    }

    /// Add (`add`) or subtract a member's features.
    fn count(&mut self, f: &Feat, add: bool) {
        match f.eff {
            Some(d) => bump_date(&mut self.dates, d, add),
            None if add => self.undated += 1,
            None => self.undated = self.undated.saturating_sub(1),
        }
        if let Some(d) = f.stated {
            bump_date(&mut self.stated, d, add);
        }
        for &p in f.known_places.iter() {
            bump(&mut self.known_places, p, add);
        }
        for &p in f.other_places.iter() {
            bump(&mut self.other_places, p, add);
        }
        for &p in f.parties.iter() {
            bump(&mut self.parties, p, add);
        }
        for &(k, n) in f.participants.iter() {
            bump(&mut self.participants, k, add);
            if add {
                self.display.entry(k).or_insert(n);
            } else if !self.participants.contains_key(&k) {
                self.display.remove(&k);
            }
        }
    }

    /// Blocking keys this cluster must be findable under.
    fn wanted_keys(&self) -> Vec<u64> {
        let mut keys = Vec::new();
        if let (Some(lo), Some(hi)) = (self.lo(), self.hi()) {
            for b in bucket_of(lo)..=bucket_of(hi) {
                keys.push(block_key(self.class, self.group, Some(b)));
            }
        }
        if self.undated > 0 || self.lo().is_none() {
            keys.push(block_key(self.class, self.group, None));
        }
        // Every cluster of the class and group, for undated chains.
        keys.push(block_key(self.class, self.group, Some(ANY_BUCKET)));
        keys
    }

    fn known_place_syms(&self) -> impl Iterator<Item = Sym> + '_ {
        let kb = self
            .kb_facts
            .as_ref()
            .and_then(|k| k.place)
            .filter(|p| p.1)
            .map(|p| p.0);
        self.known_places.keys().copied().chain(kb)
    }

    /// None when incompatible, else a ranking score.
    fn score(&self, f: &Feat, strings: &Interner) -> Option<u32> {
        if self.class != f.class || self.group != f.group {
            return None;
        }
        match (self.kb, f.kb) {
            (Some(a), Some(b)) if a != b => return None,
            (None, Some(_)) => return None,
            _ => {}
        }
        if let Some(d) = f.eff {
            if let (Some(lo), Some(hi)) = (self.lo(), self.hi()) {
                if days(hi.max(d), lo.min(d)) > WINDOW_DAYS {
                    return None;
                }
            }
        }
        if let Some(d) = f.stated {
            let lo = min_opt(self.stated.keys().next().copied(), self.kb_date());
            let hi = max_opt(self.stated.keys().next_back().copied(), self.kb_date());
            if let (Some(lo), Some(hi)) = (lo, hi) {
                if days(hi.max(d), lo.min(d)) > STATED_WINDOW_DAYS {
                    return None;
                }
            }
        }
        let mut score = 1;
        for &p in f.known_places.iter() {
            for q in self.known_place_syms() {
                if p == q {
                    score += 3;
                } else if !places_compatible(strings.name(p), strings.name(q)) {
                    return None;
                }
            }
        }
        for p in f.other_places.iter() {
            let kb_other = self
                .kb_facts
                .as_ref()
                .and_then(|k| k.place)
                .is_some_and(|(s, known)| !known && s == *p);
            if self.other_places.contains_key(p) || kb_other {
                score += 2;
            }
        }
        if !f.parties.is_empty() && !self.parties.is_empty() {
            let chain_in_cluster = f.parties.iter().all(|p| self.parties.contains_key(p));
            let cluster_in_chain = self.parties.keys().all(|p| f.parties.contains(p));
            if !chain_in_cluster && !cluster_in_chain {
                return None;
            }
            score += 2;
        }
        let kb_parts = self
            .kb_facts
            .as_ref()
            .map_or(&[][..], |k| &k.participants[..]);
        let shared = f
            .participants
            .iter()
            .filter(|(k, _)| {
                self.participants.contains_key(k) || kb_parts.iter().any(|x| x.0 == *k)
            })
            .count() as u32;
        score += 2 * shared.min(3);
        if self.kb.is_some() {
            score += if f.kb.is_some() { 20 } else { 1 };
        }
        Some(score)
    }
}

impl EventIndex {
    pub fn new() -> Self {
        Self::default()
    }

    /// Replace one file's event mentions and re-link only the clusters they touch.
    pub fn update_file(
        &mut self,
        file: u32,
        events: &[EventMention],
        article_date: Option<NaiveDate>,
        kb: &KbIndex,
    ) {
        self.sync_kb(kb);
        self.remove_file(file);
        if events.is_empty() {
            return;
        }
        let fe = build_chains(events, article_date, &mut self.strings);
        let n = fe.chains.len();
        self.files.insert(file, fe);
        for c in 0..n {
            self.place_chain(file, c as u32, kb);
        }
    }

    /// Forget a file's mentions; clusters left empty disappear (KB clusters stay, empty).
    pub fn remove_file(&mut self, file: u32) {
        let Some(fe) = self.files.remove(&file) else {
            return;
        };
        let mut touched: Vec<u64> = Vec::new();
        for (c, ch) in fe.chains.iter().enumerate() {
            let Some(cl) = self.clusters.get_mut(&ch.cluster) else {
                continue;
            };
            cl.members.remove(&(file, c as u32));
            cl.ranked.remove(&rank_of(&ch.feat, file, c as u32));
            bump(&mut cl.files, file, false);
            cl.count(&ch.feat, false);
            if !touched.contains(&ch.cluster) {
                touched.push(ch.cluster);
            }
        }
        for cid in touched {
            let Some(cl) = self.clusters.get(&cid) else {
                continue;
            };
            if cl.members.is_empty() && cl.kb.is_none() {
                self.drop_cluster(cid);
                continue;
            }
            self.register(cid);
        }
    }

    /// Cluster key of one mention ("kb:<id>" for KB-anchored clusters, else "ev:<n>").
    pub fn cluster_of(&self, file: u32, mention: usize) -> Option<String> {
        let fe = self.files.get(&file)?;
        let ch = fe.mention_chain.get(mention)?;
        let cid = fe.chains.get(*ch as usize)?.cluster;
        self.clusters.get(&cid).map(|c| c.key(&self.strings))
    }

    fn cluster_by_key(&self, key: &str) -> Option<&Cluster> {
        if let Some(id) = key.strip_prefix("kb:") {
            let sym = self.strings.map.get(id)?;
            return self.clusters.get(self.kb_clusters.get(sym)?);
        }
        let n: u64 = key.strip_prefix("ev:")?.parse().ok()?;
        self.clusters.get(&n).filter(|c| c.kb.is_none())
    }

    /// Every (file, mention index) of a cluster, sorted.
    pub fn mentions(&self, key: &str) -> Vec<(u32, usize)> {
        let Some(cl) = self.cluster_by_key(key) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut start = 0;
        let mut current = None;
        for &(f, c) in &cl.members {
            if current != Some(f) {
                out[start..].sort_unstable();
                start = out.len();
                current = Some(f);
            }
            if let Some(ch) = self.files.get(&f).and_then(|fe| fe.chains.get(c as usize)) {
                out.extend(ch.mentions.iter().map(|&m| (f, m as usize)));
            }
        }
        out[start..].sort_unstable();
        out
    }

    /// All cluster keys with at least one mention, sorted.
    pub fn clusters(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .clusters
            .values()
            .filter(|c| !c.members.is_empty())
            .map(|c| c.key(&self.strings))
            .collect();
        v.sort();
        v
    }

    /// Name, date, place, participants, KB id and file count of a cluster.
    pub fn summary(&self, key: &str) -> Option<EventSummary> {
        let cl = self.cluster_by_key(key)?;
        let files = cl.files.len();
        let best = cl
            .ranked
            .last()
            .and_then(|&(_, _, f, c)| {
                self.files
                    .get(&(u32::MAX - f))?
                    .chains
                    .get((u32::MAX - c) as usize)
            })
            .map(|ch| ch.feat.best_text.to_string())
            .unwrap_or_default();
        let stated_mode = cl
            .stated
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|x| *x.0);
        let mode = |m: &FxMap<Sym, u32>| {
            m.iter()
                .max_by(|a, b| {
                    a.1.cmp(b.1)
                        .then_with(|| self.strings.name(*b.0).cmp(self.strings.name(*a.0)))
                })
                .map(|x| *x.0)
        };
        let place = mode(&cl.known_places)
            .or_else(|| mode(&cl.other_places))
            .map(|p| gazetteer::display(self.strings.name(p)));
        let mut parts: Vec<(u32, &str)> = cl
            .participants
            .iter()
            .map(|(k, n)| (*n, cl.display.get(k).map_or("", |d| self.strings.name(*d))))
            .collect();
        parts.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let kb = cl.kb_facts.as_ref();
        let mut participants: Vec<String> = kb
            .map(|k| {
                k.participants
                    .iter()
                    .map(|p| self.strings.name(p.1).to_string())
                    .collect()
            })
            .unwrap_or_default();
        for (_, n) in parts {
            if !participants.iter().any(|p| p == n) {
                participants.push(n.to_string());
            }
        }
        Some(EventSummary {
            key: cl.key(&self.strings),
            name: kb.map_or(best, |k| k.name.clone()),
            date: cl.kb_date().or(stated_mode).or(cl.lo()),
            place: kb.and_then(|k| k.place_display.clone()).or(place),
            participants,
            kb_id: cl.kb.map(|k| self.strings.name(k).to_string()),
            files,
        })
    }

    /// Rebuild every cluster from scratch in a canonical order (effective date, then mention
    /// text, then file), so batch results do not depend on the order files arrived in.
    pub fn recluster_all(&mut self, kb: &KbIndex) {
        let mut order: Vec<(Option<NaiveDate>, Box<str>, u32, u32)> = Vec::new();
        for (&f, fe) in &self.files {
            for (c, ch) in fe.chains.iter().enumerate() {
                order.push((ch.feat.eff, ch.feat.best_text.clone(), f, c as u32));
            }
        }
        order.sort();
        self.clusters.clear();
        self.blocks.clear();
        self.kb_clusters.clear();
        self.kb_seen.clear();
        self.next_id = 0;
        self.sync_kb(kb);
        for (_, _, f, c) in order {
            self.place_chain(f, c, kb);
        }
    }

    // -- internals -----------------------------------------------------------------------

    fn place_chain(&mut self, file: u32, chain: u32, kb: &KbIndex) {
        let Some(feat) = self
            .files
            .get(&file)
            .and_then(|fe| fe.chains.get(chain as usize))
            .map(|c| c.feat.clone())
        else {
            return;
        };
        let cid = match feat.kb {
            Some(id) => self.kb_cluster(id, &feat, kb),
            None => self.best_cluster(&feat).unwrap_or_else(|| {
                let id = self.next_id;
                self.next_id += 1;
                self.clusters
                    .insert(id, Cluster::new(id, feat.class, feat.group));
                id
            }),
        };
        if let Some(ch) = self
            .files
            .get_mut(&file)
            .and_then(|fe| fe.chains.get_mut(chain as usize))
        {
            ch.cluster = cid;
        }
        if let Some(cl) = self.clusters.get_mut(&cid) {
            cl.members.insert((file, chain));
            cl.ranked.insert(rank_of(&feat, file, chain));
            bump(&mut cl.files, file, true);
            cl.count(&feat, true);
        }
        self.register(cid);
    }

    /// Make one (possibly empty) cluster per KB event, findable by its class, group and date,
    /// so unanchored mentions of the same event join it whatever the order of files. A KB
    /// entry that disappeared frees its mentions into ordinary clusters.
    fn sync_kb(&mut self, kb: &KbIndex) {
        if self.kb_seen.len() == kb.events.len()
            && self.kb_seen.iter().zip(&kb.events).all(|(a, e)| *a == e.id)
        {
            return;
        }
        self.kb_seen = kb.events.iter().map(|e| e.id.clone()).collect();
        let lex = default_triggers();
        for e in &kb.events {
            let id = self.strings.get(&e.id);
            if self.kb_clusters.contains_key(&id) {
                continue;
            }
            let (class, group) = std::iter::once(&e.name)
                .chain(&e.aliases)
                .find_map(|n| {
                    n.split(|c: char| !c.is_alphanumeric() && c != '-')
                        .rev()
                        .find_map(|w| crate::analysis::events::trigger_info(lex, w))
                })
                .unwrap_or((EventClass::Other, name_key(&e.name)));
            let group = self.strings.get(&group);
            self.kb_cluster_with(id, class, group, kb);
        }
        // KB clusters whose entry is gone: re-place their members.
        let gone: Vec<u64> = self
            .kb_clusters
            .iter()
            .filter(|(id, _)| !self.kb_seen.iter().any(|s| s == self.strings.name(**id)))
            .map(|(_, &c)| c)
            .collect();
        for cid in gone {
            let members: Vec<(u32, u32)> = self
                .clusters
                .get(&cid)
                .map(|c| c.members.iter().copied().collect())
                .unwrap_or_default();
            self.drop_cluster(cid);
            for (f, c) in members {
                if let Some(ch) = self
                    .files
                    .get_mut(&f)
                    .and_then(|fe| fe.chains.get_mut(c as usize))
                {
                    ch.feat.kb = None;
                }
                self.place_chain(f, c, kb);
            }
        }
    }

    fn kb_cluster(&mut self, id: Sym, feat: &Feat, kb: &KbIndex) -> u64 {
        if let Some(&c) = self.kb_clusters.get(&id) {
            return c;
        }
        self.kb_cluster_with(id, feat.class, feat.group, kb)
    }

    fn kb_cluster_with(&mut self, id: Sym, class: EventClass, group: Sym, kb: &KbIndex) -> u64 {
        let cid = self.next_id;
        self.next_id += 1;
        let mut cl = Cluster::new(cid, class, group);
        cl.kb = Some(id);
        let strings = &mut self.strings;
        cl.kb_facts = kb.event_by_id(strings.name(id)).map(|e| KbFacts {
            name: e.name.clone(),
            date: e.date,
            place: e.place.as_deref().map(|p| place_sym(strings, p)),
            place_display: e.place.clone(),
            participants: e
                .participants
                .iter()
                .map(|p| {
                    let name = kb
                        .person_by_id(p)
                        .map_or_else(|| p.clone(), |x| x.name.clone());
                    (strings.get(&person_key(&name)), strings.get(&name))
                })
                .collect(),
        });
        self.clusters.insert(cid, cl);
        self.kb_clusters.insert(id, cid);
        self.register(cid);
        cid
    }

    fn best_cluster(&self, f: &Feat) -> Option<u64> {
        let mut keys = Vec::with_capacity(6);
        match f.eff {
            Some(d) => {
                let lo = d - chrono::Duration::days(WINDOW_DAYS);
                let hi = d + chrono::Duration::days(WINDOW_DAYS);
                for b in bucket_of(lo)..=bucket_of(hi) {
                    keys.push(block_key(f.class, f.group, Some(b)));
                }
                keys.push(block_key(f.class, f.group, None));
            }
            // An undated chain may join any cluster of its class and group.
            None => keys.push(block_key(f.class, f.group, Some(ANY_BUCKET))),
        }
        let mut best: Option<(u32, u64)> = None;
        for k in keys {
            let Some(ids) = self.blocks.get(&k) else {
                continue;
            };
            for &cid in ids {
                let Some(cl) = self.clusters.get(&cid) else {
                    continue;
                };
                if let Some(s) = cl.score(f, &self.strings) {
                    let better = match best {
                        None => true,
                        Some((bs, bid)) => s > bs || (s == bs && cid < bid),
                    };
                    if better {
                        best = Some((s, cid));
                    }
                }
            }
        }
        best.map(|x| x.1)
    }

    fn register(&mut self, cid: u64) {
        let Some(cl) = self.clusters.get_mut(&cid) else {
            return;
        };
        let wanted = cl.wanted_keys();
        if wanted == cl.registered {
            return;
        }
        let old = std::mem::take(&mut cl.registered);
        for k in old.iter().filter(|k| !wanted.contains(k)) {
            if let Some(v) = self.blocks.get_mut(k) {
                v.retain(|&x| x != cid);
                if v.is_empty() {
                    self.blocks.remove(k);
                }
            }
        }
        for k in wanted.iter().filter(|k| !old.contains(k)) {
            self.blocks.entry(*k).or_default().push(cid);
        }
        cl.registered = wanted;
    }

    fn drop_cluster(&mut self, cid: u64) {
        if let Some(cl) = self.clusters.remove(&cid) {
            for k in &cl.registered {
                if let Some(v) = self.blocks.get_mut(k) {
                    v.retain(|&x| x != cid);
                    if v.is_empty() {
                        self.blocks.remove(k);
                    }
                }
            }
            if let Some(id) = cl.kb {
                self.kb_clusters.remove(&id);
            }
        }
    }
}

fn default_triggers() -> &'static crate::analysis::lexicon::Lexicon {
    static LEX: std::sync::LazyLock<crate::analysis::Lexicons> =
        std::sync::LazyLock::new(crate::analysis::Lexicons::default);
    LEX.get("event-triggers")
}

/// Group a file's mentions into chains (antecedent links), with their features.
fn build_chains(
    events: &[EventMention],
    article_date: Option<NaiveDate>,
    strings: &mut Interner,
) -> FileEvents {
    let n = events.len();
    // Union-find over antecedent links.
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for (i, e) in events.iter().enumerate() {
        if let Some(a) = e.antecedent.filter(|&a| a < n && a != i) {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, i));
            if ra != rb {
                parent[rb.max(ra)] = rb.min(ra);
            }
        }
    }
    let mut root_chain: HashMap<usize, u32> = HashMap::new();
    let mut members: Vec<Vec<u32>> = Vec::new();
    let mut mention_chain = Vec::with_capacity(n);
    for i in 0..n {
        let r = find(&mut parent, i);
        let c = *root_chain.entry(r).or_insert_with(|| {
            members.push(Vec::new());
            (members.len() - 1) as u32
        });
        members[c as usize].push(i as u32);
        mention_chain.push(c);
    }
    let chains = members
        .into_iter()
        .map(|ms| {
            let refs: Vec<&EventMention> = ms.iter().map(|&m| &events[m as usize]).collect();
            Chain {
                feat: Feat::from_mentions(&refs, article_date, strings),
                mentions: ms.into(),
                cluster: u64::MAX,
            }
        })
        .collect();
    FileEvents {
        chains,
        mention_chain: mention_chain.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::RuleSettings;
    use crate::analysis::{analyze, Context, Lexicons};
    use crate::config::EventEntry;

    fn date(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }

    /// Analyse articles ("date", "body") with `kb` and index them as files 0, 1, …
    fn index(kb: &KbIndex, articles: &[(&str, &str)]) -> (EventIndex, Vec<Vec<EventMention>>) {
        let lex = Lexicons::default();
        let rules = RuleSettings::default();
        let ctx = Context {
            kb,
            lexicons: &lex,
            rules: &rules,
            fallback_date: None,
        };
        let mut idx = EventIndex::new();
        let mut all = Vec::new();
        for (i, (d, body)) in articles.iter().enumerate() {
            let text = format!("---\ndate: {d}\n---\n{body}");
            let a = analyze(&text, &ctx);
            idx.update_file(i as u32, &a.events, a.meta.date, kb);
            all.push(a.events);
        }
        (idx, all)
    }

    fn key_of(idx: &EventIndex, ev: &[Vec<EventMention>], file: usize, trigger: &str) -> String {
        let m = ev[file]
            .iter()
            .position(|e| &*e.trigger == trigger)
            .unwrap_or_else(|| panic!("no {trigger} in file {file}: {:#?}", ev[file]));
        idx.cluster_of(file as u32, m).unwrap()
    }

    const FIVE: &[(&str, &str)] = &[
        ("2026-03-12", "GENEVA — The Geneva summit ended on Tuesday without a joint statement, diplomats said.\n"),
        ("2026-03-11", "Foreign ministers from both countries held talks in Geneva on Tuesday.\n"),
        ("2026-03-13", "The three-hour meeting at the Palais des Nations produced no breakthrough.\n"),
        ("2026-03-12", "Markets shrugged off the US–China talks this week, traders said.\n"),
        ("2026-03-14", "Officials described the lakeside meeting between the two foreign ministers as frank.\n"),
    ];

    #[test]
    fn same_event_five_ways_links_into_one_cluster() {
        let kb = KbIndex::default();
        let (idx, ev) = index(&kb, FIVE);
        let k0 = key_of(&idx, &ev, 0, "summit");
        assert_eq!(key_of(&idx, &ev, 1, "talks"), k0);
        assert_eq!(key_of(&idx, &ev, 2, "meeting"), k0);
        assert_eq!(key_of(&idx, &ev, 3, "talks"), k0);
        assert_eq!(key_of(&idx, &ev, 4, "meeting"), k0);
        let s = idx.summary(&k0).unwrap();
        assert_eq!(s.files, 5);
        assert_eq!(s.place.as_deref(), Some("Geneva"));
        assert_eq!(s.date, date("2026-03-10"));
        assert_eq!(s.name, "The three-hour meeting at the Palais des Nations");
        assert_eq!(idx.mentions(&k0).len(), 5);
        assert!(idx.clusters().contains(&k0));
    }

    #[test]
    fn different_events_with_similar_wording_stay_apart() {
        let kb = KbIndex::default();
        let (idx, ev) = index(
            &kb,
            &[
                (
                    "2026-03-12",
                    "The Geneva summit ended on Tuesday without a deal.\n",
                ),
                (
                    "2025-03-14",
                    "The Geneva summit ended on Thursday with a handshake.\n",
                ),
                ("2026-03-12", "Diplomats held talks in Vienna on Tuesday.\n"),
                (
                    "2026-03-12",
                    "North Korea staged a missile test on Tuesday.\n",
                ),
                (
                    "2026-05-21",
                    "Talks in Geneva resumed on May 20 after a two-month pause.\n",
                ),
            ],
        );
        let a = key_of(&idx, &ev, 0, "summit");
        assert_ne!(key_of(&idx, &ev, 1, "summit"), a, "a year apart");
        assert_ne!(key_of(&idx, &ev, 2, "talks"), a, "another city");
        assert_ne!(
            key_of(&idx, &ev, 3, "missile test"),
            a,
            "another kind of event"
        );
        assert_ne!(key_of(&idx, &ev, 4, "talks"), a, "two months later");
    }

    #[test]
    fn anaphors_go_with_their_antecedents_cluster() {
        let kb = KbIndex::default();
        let (idx, ev) = index(
            &kb,
            &[
                ("2026-03-12", "Diplomats met for talks in Geneva on Tuesday.\n\nThe talks ran late.\n"),
                ("2026-03-12", "Delegations opened talks in Vienna on Tuesday.\n\nThe talks stalled over sanctions.\n"),
            ],
        );
        for (f, e) in ev.iter().enumerate() {
            assert_eq!(e.len(), 2, "{e:#?}");
            assert_eq!(e[1].antecedent, Some(0));
            assert_eq!(idx.cluster_of(f as u32, 1), idx.cluster_of(f as u32, 0));
        }
        assert_ne!(idx.cluster_of(0, 1), idx.cluster_of(1, 1));
    }

    #[test]
    fn kb_events_anchor_and_name_clusters() {
        let kb = KbIndex::new(
            vec![],
            vec![EventEntry {
                id: "geneva-talks".into(),
                name: "Geneva summit 2026".into(),
                date: date("2026-03-10"),
                place: Some("Geneva".into()),
                participants: vec!["Wang Yi".into()],
                aliases: vec!["lakeside meeting".into()],
                span: 0..0,
            }],
        );
        let (idx, ev) = index(&kb, FIVE);
        assert_eq!(key_of(&idx, &ev, 4, "meeting"), "kb:geneva-talks");
        // Unanchored mentions compatible with the KB event join it.
        assert_eq!(key_of(&idx, &ev, 1, "talks"), "kb:geneva-talks");
        let s = idx.summary("kb:geneva-talks").unwrap();
        assert_eq!(s.name, "Geneva summit 2026");
        assert_eq!(s.kb_id.as_deref(), Some("geneva-talks"));
        assert_eq!(s.participants, ["Wang Yi"]);
        assert_eq!(s.date, date("2026-03-10"));
    }

    #[test]
    fn updates_and_removals_are_incremental() {
        let kb = KbIndex::default();
        let (mut idx, ev) = index(&kb, FIVE);
        let k = key_of(&idx, &ev, 0, "summit");
        idx.remove_file(2);
        assert_eq!(idx.summary(&k).unwrap().files, 4);
        assert_eq!(idx.cluster_of(2, 0), None);
        // Re-adding the same content is idempotent.
        idx.update_file(2, &ev[2], date("2026-03-13"), &kb);
        idx.update_file(2, &ev[2], date("2026-03-13"), &kb);
        assert_eq!(idx.cluster_of(2, 0), Some(k.clone()));
        assert_eq!(idx.summary(&k).unwrap().files, 5);
        // An edit that moves the article a year later takes it out of the cluster.
        let (_, later) = index(&kb, &[("2027-03-12", FIVE[3].1)]);
        idx.update_file(3, &later[0], date("2027-03-12"), &kb);
        assert_ne!(idx.cluster_of(3, 0), Some(k.clone()));
        assert_eq!(idx.summary(&k).unwrap().files, 4);
        for f in 0..5 {
            idx.remove_file(f);
        }
        assert!(idx.clusters().is_empty());
        assert!(idx.blocks.is_empty());
        assert!(idx.mentions(&k).is_empty());
    }

    #[test]
    fn recluster_all_is_order_independent() {
        let kb = KbIndex::default();
        let (mut a, _) = index(&kb, FIVE);
        let rev: Vec<(&str, &str)> = FIVE.iter().rev().copied().collect();
        let (mut b, _) = index(&kb, &rev);
        a.recluster_all(&kb);
        b.recluster_all(&kb);
        let sizes = |x: &EventIndex| {
            let mut v: Vec<usize> = x.clusters().iter().map(|k| x.mentions(k).len()).collect();
            v.sort();
            v
        };
        assert_eq!(sizes(&a), sizes(&b));
    }
}
