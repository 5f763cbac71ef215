//! Cross-article event linking: clusters of event mentions that refer to the same real-world
//! event, across every article of the workspace.
//!
//! Model:
//! - Inside one article, a bare anaphor and its antecedent form a *chain* (union over
//!   `EventMention::antecedent`); a chain's features are the union of its mentions' qualifiers.
//! - A chain joins the best *compatible* cluster of the same class and trigger group
//!   (talks ≈ meeting ≈ negotiations), or founds a new one. Compatible: the same KB event if
//!   either is anchored; known places that can be the same (Geneva ⊂ Switzerland; two cities
//!   conflict); party sets of which one contains the other; effective dates (the stated date,
//!   else the article date) spanning at most `WINDOW_DAYS`, stated dates at most
//!   `STATED_WINDOW_DAYS`. Shared places, participants and parties rank the candidates.
//! - Candidates are found by hash lookup on blocking keys — (class, group, week bucket),
//!   (class, group, undated), KB id — never by scanning all clusters.
//! - `[[event]]` KB entries anchor clusters ("kb:<id>") and name them; other clusters are
//!   named by their most specific mention.
//!
//! Incremental: `update_file` removes the file's chains from their clusters (recomputing only
//! those clusters' aggregates) and inserts the new chains, touching only the blocks they fall
//! in. Greedy insertion depends on arrival order; `recluster_all` rebuilds every cluster in a
//! canonical order (date, then text) for reproducible batch output.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap};
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

/// What one chain (mention + its anaphors in one article) says about its event.
#[derive(Debug, Clone)]
struct Feat {
    class: EventClass,
    group: String,
    trigger: String,
    kb: Option<String>,
    /// Gazetteer-known place keys ("geneva", "switzerland").
    known_places: Vec<String>,
    /// Other proper-noun place modifiers ("fulton courthouse"): evidence, never a conflict.
    other_places: Vec<String>,
    parties: BTreeSet<String>,
    /// (surname key, display name).
    participants: Vec<(String, String)>,
    /// Stated date of the event.
    stated: Option<NaiveDate>,
    /// Stated date, else the article date.
    eff: Option<NaiveDate>,
    best_text: String,
    best_score: u32,
}

#[derive(Debug, Clone)]
struct Chain {
    mentions: Vec<u32>,
    feat: Feat,
    cluster: u64,
}

#[derive(Debug, Default)]
struct FileEvents {
    chains: Vec<Chain>,
    /// Mention index → chain index.
    mention_chain: Vec<u32>,
}

#[derive(Debug, Clone, Default)]
struct KbFacts {
    name: String,
    date: Option<NaiveDate>,
    place: Option<String>,
    participants: Vec<String>,
}

#[derive(Debug, Clone)]
struct Cluster {
    id: u64,
    class: EventClass,
    group: String,
    kb: Option<String>,
    kb_facts: Option<KbFacts>,
    members: Vec<(u32, u32)>,
    // Aggregates over members (plus KB facts).
    lo: Option<NaiveDate>,
    hi: Option<NaiveDate>,
    stated_lo: Option<NaiveDate>,
    stated_hi: Option<NaiveDate>,
    undated: u32,
    known_places: Vec<(String, u32)>,
    other_places: Vec<(String, u32)>,
    parties: BTreeSet<String>,
    participants: Vec<(String, String, u32)>,
    registered: Vec<u64>,
}

/// The cross-article event index. See the module documentation.
#[derive(Debug, Default)]
pub struct EventIndex {
    files: HashMap<u32, FileEvents>,
    clusters: HashMap<u64, Cluster>,
    /// Blocking key → cluster ids.
    blocks: HashMap<u64, Vec<u64>>,
    kb_clusters: HashMap<String, u64>,
    /// Ids of the KB events the KB clusters were made from (to notice a new KB).
    kb_seen: Vec<String>,
    next_id: u64,
}

fn block_key(class: EventClass, group: &str, bucket: Option<i64>) -> u64 {
    let mut h = DefaultHasher::new();
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
fn specificity(m: &EventMention) -> u32 {
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

impl Feat {
    fn from_mentions(ms: &[&EventMention], article_date: Option<NaiveDate>) -> Feat {
        let first = ms[0];
        let mut f = Feat {
            class: first.class,
            group: if first.group.is_empty() {
                first.trigger.clone()
            } else {
                first.group.clone()
            },
            trigger: first.trigger.clone(),
            kb: None,
            known_places: Vec::new(),
            other_places: Vec::new(),
            parties: BTreeSet::new(),
            participants: Vec::new(),
            stated: None,
            eff: None,
            best_text: String::new(),
            best_score: 0,
        };
        for m in ms {
            if f.kb.is_none() {
                f.kb = m.kb_id.clone();
            }
            if let Some(p) = &m.place {
                let list = if gazetteer::is_known(p) {
                    &mut f.known_places
                } else {
                    &mut f.other_places
                };
                if !list.contains(p) {
                    list.push(p.clone());
                }
            }
            f.parties.extend(m.parties.iter().cloned());
            for name in &m.participants {
                let k = person_key(name);
                if !k.is_empty() && !f.participants.iter().any(|(x, _)| *x == k) {
                    f.participants.push((k, name.clone()));
                }
            }
            if f.stated.is_none() {
                f.stated = m.date;
            }
            let sc = specificity(m);
            if f.best_text.is_empty() || sc > f.best_score {
                f.best_score = sc;
                f.best_text = m.text.clone();
            }
        }
        f.eff = f.stated.or(article_date);
        f
    }
}

impl Cluster {
    fn new(id: u64, class: EventClass, group: &str) -> Cluster {
        Cluster {
            id,
            class,
            group: group.to_string(),
            kb: None,
            kb_facts: None,
            members: Vec::new(),
            lo: None,
            hi: None,
            stated_lo: None,
            stated_hi: None,
            undated: 0,
            known_places: Vec::new(),
            other_places: Vec::new(),
            parties: BTreeSet::new(),
            participants: Vec::new(),
            registered: Vec::new(),
        }
    }

    fn key(&self) -> String {
        match &self.kb {
            Some(id) => format!("kb:{id}"),
            None => format!("ev:{}", self.id),
        }
    }

    fn reset_aggregates(&mut self) {
        self.lo = None;
        self.hi = None;
        self.stated_lo = None;
        self.stated_hi = None;
        self.undated = 0;
        self.known_places.clear();
        self.other_places.clear();
        self.parties.clear();
        self.participants.clear();
        if let Some(k) = self.kb_facts.clone() {
            self.stated_lo = k.date;
            self.stated_hi = k.date;
            self.lo = k.date;
            self.hi = k.date;
            if let Some(p) = k.place {
                let key =
                    gazetteer::lookup(&p).map_or_else(|| gazetteer::norm(&p), |x| x.key.clone());
                if gazetteer::is_known(&key) {
                    self.known_places.push((key, 1));
                } else {
                    self.other_places.push((key, 1));
                }
            }
            for n in k.participants {
                self.participants.push((person_key(&n), n, 1));
            }
        }
    }

    fn add(&mut self, f: &Feat) {
        match f.eff {
            Some(d) => {
                self.lo = min_opt(self.lo, Some(d));
                self.hi = max_opt(self.hi, Some(d));
            }
            None => self.undated += 1,
        }
        if let Some(d) = f.stated {
            self.stated_lo = min_opt(self.stated_lo, Some(d));
            self.stated_hi = max_opt(self.stated_hi, Some(d));
        }
        for (list, src) in [
            (&mut self.known_places, &f.known_places),
            (&mut self.other_places, &f.other_places),
        ] {
            for p in src {
                match list.iter_mut().find(|(x, _)| x == p) {
                    Some(e) => e.1 += 1,
                    None => list.push((p.clone(), 1)),
                }
            }
        }
        self.parties.extend(f.parties.iter().cloned());
        for (k, n) in &f.participants {
            match self.participants.iter_mut().find(|(x, _, _)| x == k) {
                Some(e) => {
                    e.2 += 1;
                    if n.len() > e.1.len() {
                        e.1 = n.clone();
                    }
                }
                None => self.participants.push((k.clone(), n.clone(), 1)),
            }
        }
    }

    /// Blocking keys this cluster must be findable under.
    fn wanted_keys(&self) -> Vec<u64> {
        let mut keys = Vec::new();
        if let (Some(lo), Some(hi)) = (self.lo, self.hi) {
            for b in bucket_of(lo)..=bucket_of(hi) {
                keys.push(block_key(self.class, &self.group, Some(b)));
            }
        }
        if self.undated > 0 || self.lo.is_none() {
            keys.push(block_key(self.class, &self.group, None));
        }
        // Every cluster of the class and group, for undated chains.
        keys.push(block_key(self.class, &self.group, Some(ANY_BUCKET)));
        keys
    }

    /// None when incompatible, else a ranking score.
    fn score(&self, f: &Feat) -> Option<u32> {
        if self.class != f.class || self.group != f.group {
            return None;
        }
        match (&self.kb, &f.kb) {
            (Some(a), Some(b)) if a != b => return None,
            (None, Some(_)) => return None,
            _ => {}
        }
        if let Some(d) = f.eff {
            if let (Some(lo), Some(hi)) = (self.lo, self.hi) {
                if days(hi.max(d), lo.min(d)) > WINDOW_DAYS {
                    return None;
                }
            }
        }
        if let Some(d) = f.stated {
            if let (Some(lo), Some(hi)) = (self.stated_lo, self.stated_hi) {
                if days(hi.max(d), lo.min(d)) > STATED_WINDOW_DAYS {
                    return None;
                }
            }
        }
        let mut score = 1;
        for p in &f.known_places {
            for (q, _) in &self.known_places {
                if !places_compatible(p, q) {
                    return None;
                }
                if p == q {
                    score += 3;
                }
            }
        }
        for p in &f.other_places {
            if self.other_places.iter().any(|(q, _)| q == p) {
                score += 2;
            }
        }
        if !f.parties.is_empty() && !self.parties.is_empty() {
            let sub = f.parties.is_subset(&self.parties) || self.parties.is_subset(&f.parties);
            if !sub {
                return None;
            }
            score += 2;
        }
        let shared = f
            .participants
            .iter()
            .filter(|(k, _)| self.participants.iter().any(|(x, _, _)| x == k))
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
        let fe = build_chains(events, article_date);
        let n = fe.chains.len();
        self.files.insert(file, fe);
        for c in 0..n {
            self.place_chain(file, c as u32, kb);
        }
    }

    /// Forget a file's mentions; clusters left empty disappear.
    pub fn remove_file(&mut self, file: u32) {
        let Some(fe) = self.files.remove(&file) else {
            return;
        };
        let mut touched: Vec<u64> = fe.chains.iter().map(|c| c.cluster).collect();
        touched.sort_unstable();
        touched.dedup();
        for cid in touched {
            let Some(cl) = self.clusters.get_mut(&cid) else {
                continue;
            };
            cl.members.retain(|(f, _)| *f != file);
            if cl.members.is_empty() && cl.kb.is_none() {
                self.drop_cluster(cid);
            } else {
                self.recompute(cid);
            }
        }
    }

    /// Cluster key of one mention ("kb:<id>" for KB-anchored clusters, else "ev:<n>").
    pub fn cluster_of(&self, file: u32, mention: usize) -> Option<String> {
        let fe = self.files.get(&file)?;
        let ch = fe.mention_chain.get(mention)?;
        let cid = fe.chains.get(*ch as usize)?.cluster;
        self.clusters.get(&cid).map(Cluster::key)
    }

    fn cluster_by_key(&self, key: &str) -> Option<&Cluster> {
        if let Some(id) = key.strip_prefix("kb:") {
            return self.clusters.get(self.kb_clusters.get(id)?);
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
        for &(f, c) in &cl.members {
            if let Some(ch) = self.files.get(&f).and_then(|fe| fe.chains.get(c as usize)) {
                out.extend(ch.mentions.iter().map(|&m| (f, m as usize)));
            }
        }
        out.sort_unstable();
        out
    }

    /// All cluster keys with at least one mention, sorted.
    pub fn clusters(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .clusters
            .values()
            .filter(|c| !c.members.is_empty())
            .map(Cluster::key)
            .collect();
        v.sort();
        v
    }

    /// Name, date, place, participants, KB id and file count of a cluster.
    pub fn summary(&self, key: &str) -> Option<EventSummary> {
        let cl = self.cluster_by_key(key)?;
        let mut files: Vec<u32> = cl.members.iter().map(|(f, _)| *f).collect();
        files.sort_unstable();
        files.dedup();
        let feats: Vec<&Feat> = cl
            .members
            .iter()
            .filter_map(|&(f, c)| self.files.get(&f)?.chains.get(c as usize))
            .map(|ch| &ch.feat)
            .collect();
        let best = feats
            .iter()
            .max_by(|a, b| {
                (a.best_score, a.best_text.len())
                    .cmp(&(b.best_score, b.best_text.len()))
                    .then_with(|| b.best_text.cmp(&a.best_text))
            })
            .map(|f| f.best_text.clone())
            .unwrap_or_default();
        let mut stated: HashMap<NaiveDate, u32> = HashMap::new();
        for f in &feats {
            if let Some(d) = f.stated {
                *stated.entry(d).or_default() += 1;
            }
        }
        let stated_mode = stated
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|x| x.0);
        let mode = |list: &[(String, u32)]| {
            list.iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                .map(|x| x.0.clone())
        };
        let place_key = mode(&cl.known_places).or_else(|| mode(&cl.other_places));
        let mut parts = cl.participants.clone();
        parts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
        let kb = cl.kb_facts.as_ref();
        Some(EventSummary {
            key: cl.key(),
            name: kb.map_or(best, |k| k.name.clone()),
            date: kb.and_then(|k| k.date).or(stated_mode).or(cl.lo),
            place: kb
                .and_then(|k| k.place.clone())
                .or_else(|| place_key.map(|p| gazetteer::display(&p))),
            participants: parts.into_iter().map(|p| p.1).collect(),
            kb_id: cl.kb.clone(),
            files: files.len(),
        })
    }

    /// Rebuild every cluster from scratch in a canonical order (effective date, then mention
    /// text, then file), so batch results do not depend on the order files arrived in.
    pub fn recluster_all(&mut self, kb: &KbIndex) {
        let mut order: Vec<(Option<NaiveDate>, String, u32, u32)> = Vec::new();
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
        let cid = match &feat.kb {
            Some(id) => self.kb_cluster(id, &feat, kb),
            None => self.best_cluster(&feat).unwrap_or_else(|| {
                let id = self.next_id;
                self.next_id += 1;
                self.clusters
                    .insert(id, Cluster::new(id, feat.class, &feat.group));
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
            cl.members.push((file, chain));
            cl.add(&feat);
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
            if self.kb_clusters.contains_key(&e.id) {
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
            self.kb_cluster_with(&e.id, class, &group, kb);
        }
        // KB clusters whose entry is gone: re-place their members.
        let gone: Vec<u64> = self
            .kb_clusters
            .iter()
            .filter(|(id, _)| !self.kb_seen.contains(id))
            .map(|(_, &c)| c)
            .collect();
        for cid in gone {
            let members = self
                .clusters
                .get(&cid)
                .map(|c| c.members.clone())
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

    fn kb_cluster(&mut self, id: &str, feat: &Feat, kb: &KbIndex) -> u64 {
        if let Some(&c) = self.kb_clusters.get(id) {
            return c;
        }
        self.kb_cluster_with(id, feat.class, &feat.group.clone(), kb)
    }

    fn kb_cluster_with(&mut self, id: &str, class: EventClass, group: &str, kb: &KbIndex) -> u64 {
        let cid = self.next_id;
        self.next_id += 1;
        let mut cl = Cluster::new(cid, class, group);
        cl.kb = Some(id.to_string());
        cl.kb_facts = kb.event_by_id(id).map(|e| KbFacts {
            name: e.name.clone(),
            date: e.date,
            place: e.place.clone(),
            participants: e
                .participants
                .iter()
                .map(|p| {
                    kb.person_by_id(p)
                        .map_or_else(|| p.clone(), |x| x.name.clone())
                })
                .collect(),
        });
        cl.reset_aggregates();
        self.clusters.insert(cid, cl);
        self.kb_clusters.insert(id.to_string(), cid);
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
                    keys.push(block_key(f.class, &f.group, Some(b)));
                }
                keys.push(block_key(f.class, &f.group, None));
            }
            // An undated chain may join any cluster of its class and group.
            None => keys.push(block_key(f.class, &f.group, Some(ANY_BUCKET))),
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
                if let Some(s) = cl.score(f) {
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
            if let Some(id) = &cl.kb {
                self.kb_clusters.remove(id);
            }
        }
    }

    fn recompute(&mut self, cid: u64) {
        let Some(mut cl) = self.clusters.remove(&cid) else {
            return;
        };
        cl.reset_aggregates();
        let members = std::mem::take(&mut cl.members);
        for &(f, c) in &members {
            if let Some(ch) = self.files.get(&f).and_then(|fe| fe.chains.get(c as usize)) {
                cl.add(&ch.feat);
            }
        }
        cl.members = members;
        self.clusters.insert(cid, cl);
        self.register(cid);
    }
}

fn default_triggers() -> &'static crate::analysis::lexicon::Lexicon {
    static LEX: std::sync::LazyLock<crate::analysis::Lexicons> =
        std::sync::LazyLock::new(crate::analysis::Lexicons::default);
    LEX.get("event-triggers")
}

/// Group a file's mentions into chains (antecedent links), with their features.
fn build_chains(events: &[EventMention], article_date: Option<NaiveDate>) -> FileEvents {
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
                feat: Feat::from_mentions(&refs, article_date),
                mentions: ms,
                cluster: u64::MAX,
            }
        })
        .collect();
    FileEvents {
        chains,
        mention_chain,
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
            .position(|e| e.trigger == trigger)
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
