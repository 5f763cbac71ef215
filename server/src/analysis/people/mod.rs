//! Finding people in one article (issue "Named officials").
//!
//! Pipeline, all on the prose view, linear in the article:
//! 1. `tokens`: words, possessives and punctuation with shape flags, per sentence.
//! 2. Lexicon passes (one Aho-Corasick scan each over the prose): titles, cue verbs,
//!    not-people phrases, knowledge-base names.
//! 3. Candidates: maximal runs of capitalised name-shaped words (with particles and initials),
//!    split after a title ("Deputy Foreign Minister | Sergei Ryabkov"), trimmed of stop words.
//! 4. Evidence per occurrence (title, honorific, speech cue, appositive role or age, "who",
//!    pronoun that follows, given-name shape, middle initial; against: determiner, place
//!    preposition, organisation words, quotes), summed per distinct name in the article.
//! 5. Full names accepted first; single words then resolve as surnames (or a unique first name)
//!    of those full names, or stand alone with strong cues; headlines only repeat known names.
//! 6. Bylines and credits become `Author`/`Credit` mentions; role-only phrases resolve through
//!    the knowledge base's dated roles.

mod automata;
mod lists;
mod roles;
mod tokens;

use super::document::{BlockKind, Document};
use super::kb::{name_key, KbTarget};
use super::{Context, MentionForm, PersonMention, PersonRole, RoleText, Span};
use lists::*;
pub use roles::normalize_role;
use tokens::{Kind, Tok, ALLCAPS, CAP, CJK, DOT, HEAD, INITIAL, LOWER, NAMEY, NUM, SSTART};

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Aux {
    /// A title match ends at this token; it starts at token `title_from`.
    title_from: u32,
    /// The title match is capitalised ("President", not "president").
    title_cap: bool,
    /// A not-people phrase starts here and ends before token `np_to`.
    np_to: u32,
    cue: bool,
    /// A title match starts here.
    title_start: bool,
    /// Covered by a knowledge-base match.
    kb: bool,
}

impl Default for Aux {
    fn default() -> Self {
        Aux {
            title_from: NONE,
            title_cap: false,
            np_to: NONE,
            cue: false,
            title_start: false,
            kb: false,
        }
    }
}

/// One occurrence of a name-like sequence.
#[derive(Clone, Debug)]
struct Cand {
    /// Name tokens a..b.
    a: usize,
    b: usize,
    /// Title tokens (role text) before the name, if any: (from, to) inclusive-exclusive.
    title: Option<(usize, usize)>,
    /// The token right before the name is a capitalised title or an honorific.
    title_adjacent_cap: bool,
    honorific: bool,
    /// A title (or honorific) ends right before the name.
    cued: bool,
    /// Appositive role ("Jake Sullivan, the national security adviser,").
    appos: Option<(usize, usize)>,
    poss: bool,
    /// Whole-match of a not-people phrase.
    np: bool,
    key: String,
    score: i32,
    /// Evidence against a person at this occurrence (determiner, product number, org noun).
    neg: bool,
    /// Evidence only people have (he/she, "who", age, role appositive, title).
    strong: i32,
}

/// All person mentions in the article, in text order.
pub fn find_people(doc: &Document<'_>, ctx: &Context<'_>) -> Vec<PersonMention> {
    let toks = tokens::tokenize(doc);
    let mut d = Detector {
        doc,
        ctx,
        p: doc.prose.as_str(),
        aux: vec![Aux::default(); toks.len()],
        cls: Vec::new(),
        toks,
        kb_hits: Vec::new(),
        sent_first: Vec::new(),
    };
    d.index_sentences();
    d.mark_lexicons();
    let mut out = d.detect();
    d.bylines_and_credits(&mut out);
    d.role_only(&mut out);
    finish(doc, out)
}

struct Detector<'d, 'a> {
    doc: &'d Document<'a>,
    ctx: &'d Context<'d>,
    p: &'d str,
    toks: Vec<Tok>,
    /// Word classes of each token (see `lists::classify`).
    cls: Vec<u32>,
    aux: Vec<Aux>,
    /// (span, KB person index, is main name)
    kb_hits: Vec<(Span, usize, bool)>,
    /// First token index of each sentence (len = sentences + 1).
    sent_first: Vec<usize>,
}

fn eq_any(s: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(s))
}

impl<'d, 'a> Detector<'d, 'a> {
    fn t(&self, i: usize) -> &'d str {
        let t = &self.toks[i];
        self.p.get(t.range()).unwrap_or("")
    }

    fn index_sentences(&mut self) {
        let n = self.doc.sentences.len();
        self.sent_first = vec![self.toks.len(); n + 1];
        for (i, t) in self.toks.iter().enumerate().rev() {
            self.sent_first[t.sent as usize] = i;
        }
        // Sentences without tokens: point at the next sentence's first token.
        for s in (0..n).rev() {
            if self.sent_first[s] > self.sent_first[s + 1] {
                self.sent_first[s] = self.sent_first[s + 1];
            }
        }
    }

    fn sent_range(&self, s: u32) -> (usize, usize) {
        let s = s as usize;
        (self.sent_first[s], self.sent_first[s + 1])
    }

    /// Token index whose start is exactly `off`.
    fn tok_at(&self, off: usize) -> Option<usize> {
        let i = self.toks.partition_point(|t| (t.s as usize) < off);
        (i < self.toks.len() && self.toks[i].s as usize == off).then_some(i)
    }

    fn mark_lexicons(&mut self) {
        let p = self.p;
        let tables = automata::tables(self.ctx.lexicons);
        let (matches, cls) = tables.scan(p, &self.toks);
        self.cls = cls;
        for (a, b, ei) in matches {
            let e = &tables.entries[ei];
            let (src, entry) = (&e.source, &e.text);
            let surface = &p[self.toks[a].s as usize..self.toks[b].e as usize];
            let first_upper = surface.chars().next().is_some_and(char::is_uppercase);
            match src {
                automata::Source::Title => {
                    // Abbreviations and short capitalised titles must match their case ("Rep."
                    // but not "her rep"; "Gen" but not "gen").
                    let short = entry.ends_with('.') || entry.chars().count() <= 4;
                    if short
                        && entry.chars().next().is_some_and(char::is_uppercase)
                        && surface.trim_end_matches('.') != entry.trim_end_matches('.')
                    {
                        continue;
                    }
                    self.aux[a].title_start = true;
                    let x = &mut self.aux[b];
                    if x.title_from == NONE || (a as u32) < x.title_from {
                        x.title_from = a as u32;
                        x.title_cap = first_upper;
                    }
                }
                automata::Source::Cue => {
                    if a == b {
                        self.aux[a].cue = true;
                    }
                }
                automata::Source::NotPeople => {
                    if first_upper
                        && (self.aux[a].np_to == NONE || self.aux[a].np_to < (b + 1) as u32)
                    {
                        self.aux[a].np_to = (b + 1) as u32;
                    }
                }
            }
        }
        if !self.ctx.kb.people.is_empty() {
            for m in self.ctx.kb.find(p) {
                if let KbTarget::Person(i) = m.target {
                    let first = self
                        .toks
                        .partition_point(|t| (t.e as usize) <= m.span.start);
                    for k in first..self.toks.len() {
                        if self.toks[k].s as usize >= m.span.end {
                            break;
                        }
                        self.aux[k].kb = true;
                    }
                    self.kb_hits.push((m.span, i, m.is_name));
                }
            }
        }
    }

    fn is_particle(&self, i: usize) -> bool {
        let t = &self.toks[i];
        t.is_word() && t.has(LOWER) && self.cls[i] & C_PARTICLE != 0
    }

    /// A word that can be part of a name run.
    fn name_word(&self, i: usize) -> bool {
        let t = &self.toks[i];
        t.is_word() && t.has(NAMEY) && !t.has(ALLCAPS)
    }

    /// A word that can start a name run (a bare letter like "X" cannot).
    fn name_start(&self, i: usize) -> bool {
        let t = &self.toks[i];
        self.name_word(i) && (!t.has(INITIAL) || t.has(DOT))
    }

    fn gap_has_newline(&self, i: usize, j: usize) -> bool {
        let a = self.toks[i].e as usize;
        let b = self.toks[j].s as usize;
        self.p.get(a..b).is_some_and(|g| g.contains('\n'))
    }

    fn is_month_or_day(&self, i: usize) -> bool {
        self.cls[i] & C_MONTH_DAY != 0
    }

    fn c(&self, i: usize, bit: u32) -> bool {
        self.cls.get(i).is_some_and(|c| c & bit != 0)
    }

    fn is_single_np(&self, i: usize) -> bool {
        self.aux[i].np_to == (i + 1) as u32
    }

    fn is_given(&self, i: usize) -> bool {
        self.toks[i].has(CAP) && self.cls[i] & C_GIVEN != 0
    }

    /// Abstract-noun endings that given names and surnames practically never have.
    fn common_noun_shape(&self, i: usize) -> bool {
        let w = self.t(i);
        w.len() > 5
            && [
                "tion", "sion", "ment", "ness", "ity", "ship", "ism", "ogy", "ics", "ance",
            ]
            .iter()
            .any(|s| w.ends_with(s))
    }

    /// "Russian", "Chinese", "Israeli": a capitalised not-people word shaped like an adjective.
    fn is_nationality(&self, i: usize) -> bool {
        let w = self.t(i);
        self.is_single_np(i)
            && w.len() > 3
            && ["an", "ese", "ish", "i", "ch"]
                .iter()
                .any(|s| w.ends_with(s))
    }

    fn is_org_word(&self, i: usize) -> bool {
        self.toks[i].has(CAP) && self.cls[i] & C_ORG_WORD != 0
    }

    /// Candidates in all body sentences, split into (body, headline).
    fn candidates(&self) -> (Vec<Cand>, Vec<Cand>, Vec<String>) {
        let mut body = Vec::new();
        let mut head = Vec::new();
        let mut org_prefixes = Vec::new();
        let nsent = self.doc.sentences.len();
        for s in 0..nsent {
            let kind = self.doc.sentence_kind(s);
            if matches!(kind, BlockKind::Byline | BlockKind::Credit) {
                continue;
            }
            let (ss, se) = self.sent_range(s as u32);
            let mut i = ss;
            while i < se {
                let t = self.toks[i];
                if t.is_word() && t.has(CJK) {
                    if let Some(c) = self.make_cand(ss, i, i + 1, false, &mut org_prefixes) {
                        if t.has(HEAD) {
                            head.push(c)
                        } else {
                            body.push(c)
                        }
                    }
                    i += 1;
                    continue;
                }
                if !self.name_start(i) {
                    i += 1;
                    continue;
                }
                let start = i;
                let mut j = i + 1;
                let mut poss = false;
                while j < se {
                    if self.toks[j].kind == Kind::Poss {
                        poss = true;
                        break;
                    }
                    if self.gap_has_newline(j - 1, j) {
                        break;
                    }
                    if self.name_word(j) {
                        j += 1;
                        continue;
                    }
                    // Particles followed (after more particles) by a capitalised word.
                    if self.is_particle(j) {
                        let mut k = j;
                        while k < se && self.is_particle(k) {
                            k += 1;
                        }
                        if k < se && self.name_word(k) && k - j <= 3 {
                            j = k + 1;
                            continue;
                        }
                    }
                    break;
                }
                if t.has(HEAD) {
                    // Headline runs are searched for known names later, whatever their length.
                    head.push(self.raw_cand(start, j));
                } else if let Some(c) = self.make_cand(ss, start, j, poss, &mut org_prefixes) {
                    body.push(c);
                }
                i = j.max(i + 1);
            }
        }
        (body, head, org_prefixes)
    }

    fn raw_cand(&self, a: usize, b: usize) -> Cand {
        Cand {
            a,
            b,
            title: None,
            title_adjacent_cap: false,
            honorific: false,
            cued: false,
            appos: None,
            poss: false,
            np: false,
            key: self.key_of(a, b),
            score: 0,
            neg: false,
            strong: 0,
        }
    }

    fn key_of(&self, a: usize, b: usize) -> String {
        let mut k = String::new();
        for i in a..b {
            if !k.is_empty() {
                k.push(' ');
            }
            k.push_str(self.t(i));
        }
        k
    }

    /// Build a candidate from the run start..end (sentence starts at `ss`).
    fn make_cand(
        &self,
        ss: usize,
        start: usize,
        end: usize,
        poss: bool,
        org_prefixes: &mut Vec<String>,
    ) -> Option<Cand> {
        // Title split: the last title match ending inside the run that leaves a name after it.
        let mut a = start;
        for k in (start..end.saturating_sub(1)).rev() {
            if self.aux[k].title_from != NONE {
                a = k + 1;
                break;
            }
        }
        let mut b = end;
        // A place or organisation phrase leading a longer run makes it a compound ("Apple
        // Computer", "New Orleans Saints", "Mount Cook"), unless the run starts a sentence
        // with a stop word ("The", "Despite"). A nationality adjective before a full name is
        // dropped ("American Hasim Rahman").
        let np_end = self.aux[a].np_to;
        let compound = b - a > 1
            && ((np_end != NONE
                && (np_end as usize) < b
                && !self.c(a, C_FUNCTION)
                && !self.is_given(a))
                || (self.c(a, C_PLACE_PREFIX) && self.toks[a].has(CAP) && !self.is_given(a)));
        if compound && !(self.toks[a].has(SSTART) && np_end as usize == a + 1) {
            if self.is_nationality(a) && b - a >= 3 && np_end as usize == a + 1 {
                a += 1;
            } else {
                return None;
            }
        }
        while a < b
            && (self.is_month_or_day(a)
                || (self.is_single_np(a) && (b - a > 1) && !self.is_given(a)))
        {
            // Keep a title found after the dropped words.
            a += 1;
            if a < b && self.aux[a - 1].title_from != NONE {
                break;
            }
        }
        // Generational suffixes are not part of the name ("W. Mark Felt Sr.").
        while b > a + 1 && self.c(b - 1, C_SUFFIX) && self.toks[b - 1].has(CAP) {
            b -= 1;
        }
        // Leading common nouns glued to a name ("... for Acquisition Darleen Druyun").
        while b - a > 2
            && (self.common_noun_shape(a) || (self.t(a).ends_with("ing") && !self.is_given(a)))
        {
            a += 1;
        }
        if b - a == 1 && self.common_noun_shape(a) {
            return None;
        }
        while b > a + 1 && self.is_month_or_day(b - 1) {
            b -= 1;
        }
        // A trailing particle is not part of a name.
        while b > a && self.is_particle(b - 1) {
            b -= 1;
        }
        if a >= b {
            return None;
        }
        // A role, not a name: "Assistant Secretary", "Airbus President" ("Stephen King" stays).
        if self.aux[b - 1].title_from != NONE && !(b - a >= 2 && self.is_given(a)) {
            return None;
        }
        // A run made only of initials ("U. S.") is not a name.
        if (a..b).all(|i| self.toks[i].has(INITIAL)) {
            return None;
        }
        // Organisation or place: an org word after the first name word.
        if b - a == 1 && self.is_org_word(a) {
            return None;
        }
        if let Some(k) = (a + 1..b).find(|&k| self.is_org_word(k)) {
            if k > a {
                org_prefixes.push(self.key_of(a, k));
            }
            return None;
        }
        let words = (a..b)
            .filter(|&i| !self.is_particle(i) && !self.toks[i].has(INITIAL))
            .count();
        if words > 4 || words == 0 {
            return None;
        }
        // Title before the name.
        let title_end = (a > ss && self.aux[a - 1].title_from != NONE).then(|| a - 1);
        let mut title = None;
        let mut honorific = false;
        let mut title_adjacent_cap = false;
        if let Some(te) = title_end {
            let tf = self.aux[te].title_from as usize;
            if self.c(te, C_HONORIFIC) {
                honorific = true;
                title_adjacent_cap = true;
            } else {
                title_adjacent_cap = self.aux[te].title_cap;
                title = Some((self.extend_role_back(ss, tf), te + 1));
            }
        }
        let np = self.aux[a].np_to == b as u32;
        Some(Cand {
            a,
            b,
            title,
            title_adjacent_cap,
            honorific,
            cued: title_end.is_some(),
            appos: None,
            poss,
            np,
            key: self.key_of(a, b),
            score: 0,
            neg: false,
            strong: 0,
        })
    }

    /// Extend a role leftwards from its title word over capitalised words, possessives and
    /// role modifiers ("L. A. Superior Court Judge", "Lohan's attorney", "former deputy ...").
    fn extend_role_back(&self, ss: usize, from: usize) -> usize {
        let mut f = from;
        let mut steps = 0;
        while f > ss && steps < 6 {
            let k = f - 1;
            let t = self.toks[k];
            let ok = match t.kind {
                Kind::Poss => k > ss && self.toks[k - 1].is_word() && self.toks[k - 1].has(CAP),
                Kind::Word => {
                    (t.has(CAP) && !t.has(SSTART) && !self.is_single_np(k)
                        || t.has(CAP) && self.aux[k].title_from != NONE)
                        || t.has(ALLCAPS)
                        || (t.has(LOWER) && self.c(k, C_ROLE_MOD))
                        || self.aux[k].title_from != NONE
                        || (t.has(SSTART) && t.has(CAP) && !self.is_single_np(k))
                }
                Kind::Punct => false,
            };
            // Nationality adjectives are not-people words but belong to a role.
            let nationality = t.is_word()
                && t.has(CAP)
                && self.is_single_np(k)
                && self.t(k).ends_with(['n', 'h', 'i', 'e'])
                && !self.c(k, C_DET)
                && self.t(k).len() > 3;
            if !(ok || nationality) {
                break;
            }
            f = k;
            steps += 1;
        }
        f
    }

    /// Index of the previous token in the same sentence.
    fn prev(&self, i: usize) -> Option<usize> {
        let k = i.checked_sub(1)?;
        (self.toks[k].sent == self.toks[i].sent).then_some(k)
    }

    /// `i` if it is a token of sentence `sent`.
    fn at(&self, i: usize, sent: u32) -> Option<usize> {
        (i < self.toks.len() && self.toks[i].sent == sent).then_some(i)
    }

    fn word_is(&self, i: Option<usize>, list: &[&str]) -> bool {
        i.is_some_and(|i| self.toks[i].is_word() && eq_any(self.t(i), list))
    }

    /// Token `i` is a word of class `bit`.
    fn word_cls(&self, i: Option<usize>, bit: u32) -> bool {
        i.is_some_and(|i| self.toks[i].is_word() && self.cls[i] & bit != 0)
    }

    fn punct_is(&self, i: Option<usize>, c: char) -> bool {
        i.is_some_and(|i| self.toks[i].kind == Kind::Punct && self.toks[i].ch == c)
    }

    fn is_cue(&self, i: Option<usize>) -> bool {
        i.is_some_and(|i| self.toks[i].is_word() && self.aux[i].cue)
    }

    /// Appositive role after a comma at token `c` (",<role>,"): returns the role token range.
    fn appositive_after(&self, c: usize) -> Option<(usize, usize)> {
        let (_, se) = self.sent_range(self.toks[c].sent);
        let start = c + 1;
        let mut k = start;
        let mut has_title = false;
        while k < se && k - start < 10 {
            let t = self.toks[k];
            if t.kind == Kind::Punct
                && matches!(t.ch, ',' | ';' | '—' | '–' | '(' | ')' | '.' | ':')
            {
                break;
            }
            if t.kind == Kind::Punct && (is_open_quote(t.ch) || is_close_quote(t.ch)) {
                return None;
            }
            if self.aux[k].title_from != NONE {
                has_title = true;
            }
            if t.is_word() && self.aux[k].cue && k > start {
                break;
            }
            k += 1;
        }
        if !has_title || k == start {
            return None;
        }
        let first = self.toks[start];
        let ok_start = first.is_word()
            && (eq_any(
                self.t(start),
                &[
                    "the", "a", "an", "his", "her", "their", "its", "our", "former",
                ],
            ) || first.has(CAP)
                || self.aux[start].title_from != NONE
                || self.c(start, C_ROLE_MOD));
        let ends_ok = k >= se
            || matches!(self.toks[k].ch, ',' | '.' | ';' | '—' | '–' | ')')
            || self.aux[k].cue;
        (ok_start && ends_ok).then_some((start, k))
    }

    /// Appositive role before a name: "<The French ambassador to Germany>, NAME".
    fn appositive_before(&self, comma: usize) -> Option<(usize, usize)> {
        let (ss, _) = self.sent_range(self.toks[comma].sent);
        let mut k = comma;
        let mut has_title = false;
        while k > ss && comma - k < 10 {
            let t = self.toks[k - 1];
            if t.kind == Kind::Punct && !matches!(t.ch, '-' | '\'') {
                break;
            }
            if self.aux[k - 1].title_from != NONE {
                has_title = true;
            }
            k -= 1;
        }
        if !has_title || k == comma {
            return None;
        }
        let first = self.toks[k];
        let opener = eq_any(
            self.t(k),
            &["the", "a", "an", "his", "her", "their", "its", "our"],
        );
        let poss_phrase = (k..comma).any(|i| self.toks[i].kind == Kind::Poss) && first.has(CAP);
        let clause_start = k == ss || self.toks[k - 1].kind == Kind::Punct;
        (first.is_word() && clause_start && (opener || poss_phrase)).then_some((k, comma))
    }

    /// Evidence that one occurrence is a person.
    fn evidence(&self, c: &mut Cand) {
        let mut s = 0i32;
        let mut strong = 0i32;
        let n_words = c.b - c.a;
        if c.cued {
            s += 3;
            strong += 1;
        }
        let mut nx = c.b;
        if c.poss {
            nx += 1;
        }
        let sent = self.toks[c.a].sent;
        let mut nxo = self.at(nx, sent);
        // A short parenthesis after the name: "Zhou Minghua (周明华), a researcher"; the name in
        // another script is itself evidence.
        if self.punct_is(nxo, '(') {
            let close =
                (nx + 1..(nx + 6).min(self.toks.len())).find(|&k| self.punct_is(Some(k), ')'));
            if let Some(cl) = close {
                if cl == nx + 2 && self.toks[nx + 1].has(CJK) {
                    s += 3;
                    strong += 1;
                }
                nxo = self.at(cl + 1, sent);
            }
        }
        let before = c.title.map_or(c.a, |t| t.0).min(c.a);
        let pv = if c.cued && c.title.is_none() {
            self.prev(c.a).and_then(|i| self.prev(i))
        } else {
            self.prev(before)
        };
        // Speech and action cues after the name.
        if !c.poss {
            if self.is_cue(nxo) {
                s += 2;
            } else if self.word_cls(nxo, C_AUX) {
                let n2 = nxo.and_then(|i| self.at(i + 1, sent));
                let n3 = n2.and_then(|i| self.at(i + 1, sent));
                if self.is_cue(n2) || (self.word_cls(n2, C_AUX) && self.is_cue(n3)) {
                    s += 2;
                }
            } else if self.word_cls(nxo, C_PERS_VERB) {
                s += 1;
                strong += 1;
            }
        }
        // Comma constructions after the name.
        if !c.poss && self.punct_is(nxo, ',') {
            let c1 = nxo.and_then(|i| self.at(i + 1, sent));
            let c2 = c1.and_then(|i| self.at(i + 1, sent));
            if c1.is_some_and(|i| self.toks[i].has(NUM) && self.t(i).len() <= 3)
                && (c2.is_none() || self.punct_is(c2, ',') || self.punct_is(c2, '.'))
            {
                s += 3; // age
                strong += 1;
            } else if self.word_is(c1, &["who", "whose", "whom"]) {
                s += 3;
                strong += 1;
            } else if self.word_is(c1, &["which"]) {
                s -= 2;
            } else if let Some(r) = nxo.and_then(|i| self.appositive_after(i)) {
                s += 2;
                strong += 1;
                c.appos = Some(r);
            }
        }
        // Before the name.
        if !c.cued {
            if self.is_cue(pv)
                && (nxo.is_none() || self.punct_is(nxo, ',') || self.punct_is(nxo, '.'))
            {
                s += 2;
            }
            if self.word_is(pv, &["to"])
                && self.word_is(pv.and_then(|i| self.prev(i)), &["according"])
            {
                s += 2;
            }
            if self.word_is(pv, &["as"]) && self.word_is(nxo, &["put"]) {
                s += 2;
            }
            if pv.is_some_and(|i| self.toks[i].is_word() && self.t(i).ends_with("-old")) {
                s += 3;
                strong += 1;
            }
            if self.word_cls(pv, C_PLACE_PREP) && !c.poss {
                s -= 2;
            }
            if self.word_cls(pv, C_DET) {
                s -= 3;
                c.neg = true;
            }
            if self.punct_is(pv, ',') {
                if let Some(r) = pv.and_then(|i| self.appositive_before(i)) {
                    s += 2;
                    strong += 1;
                    if c.title.is_none() {
                        c.title = Some(r);
                    }
                }
            }
            let open = pv.is_some_and(|i| {
                self.toks[i].kind == Kind::Punct && is_open_quote(self.toks[i].ch)
            });
            let close = nxo.is_some_and(|i| {
                self.toks[i].kind == Kind::Punct && is_close_quote(self.toks[i].ch)
            });
            if open && close {
                s -= 3;
                c.neg = true;
            }
        }
        // "Whitfield's lawyer", "Holm's deputy": possessed kin, lawyers and aides belong to people.
        if c.poss && self.word_cls(self.at(nx, sent), C_POSS_PERSON) {
            s += 2;
            strong += 1;
        }
        // Products and organisations: "Boeing 717", "Atlas V", "Kennedy airport".
        if !c.poss {
            if let Some(i) = nxo {
                let t = self.toks[i];
                if t.is_word()
                    && (t.has(NUM)
                        || t.has(INITIAL)
                        || t.has(ALLCAPS)
                        || (t.has(LOWER) && self.c(i, C_ORG_FOLLOWER)))
                {
                    s -= 4;
                    c.neg = true;
                }
            }
        }
        if n_words >= 2 && !self.toks[c.a].has(CJK) {
            if self.is_given(c.a) {
                s += 2;
            } else if self.toks[c.a].has(SSTART) {
                s -= 1;
            }
            if (c.a + 1..c.b - 1).any(|i| self.toks[i].has(INITIAL)) {
                s += 2;
            }
            if (c.a + 1..c.b).any(|i| self.is_particle(i)) {
                s += 1;
            }
        }
        // The first third-person pronoun that follows.
        let mut k = nx;
        let lim = (nx + 25).min(self.toks.len());
        while k < lim {
            let t = self.toks[k];
            if t.is_word() && t.has(LOWER) {
                if self.cls[k] & C_PERS_PRON != 0 {
                    s += 1;
                    strong += 1;
                    break;
                }
                if self.cls[k] & C_THING_PRON != 0 {
                    s -= 1;
                    break;
                }
            }
            k += 1;
        }
        c.score = s.clamp(-4, 6);
        c.strong = strong;
    }

    fn detect(&mut self) -> Vec<PersonMention> {
        let (mut body, mut head, org_prefixes) = self.candidates();
        // Knowledge-base matches win over overlapping candidates.
        let kb_spans: Vec<Span> = self.kb_hits.iter().map(|h| h.0.clone()).collect();
        let overlaps_kb = |this: &Self, c: &Cand| {
            let s = this.toks[c.a].s as usize;
            let e = this.toks[c.b - 1].e as usize;
            kb_spans.iter().any(|k| k.start < e && s < k.end)
        };
        body.retain(|c| !overlaps_kb(self, c));
        head.retain(|c| !overlaps_kb(self, c));
        for c in &mut body {
            self.evidence(c);
        }

        // Per distinct multi-word name: summed evidence.
        let mut singles_seen: FastMap<&str, usize> = FastMap::default();
        for c in &body {
            if c.b - c.a == 1 {
                *singles_seen.entry(self.t(c.a)).or_default() += 1;
            }
        }
        // (summed score, first occurrence, any non-initial, any not-people, any title cue)
        let mut group: FastMap<&str, (i32, usize, bool, bool, bool)> = FastMap::default();
        for (ci, c) in body.iter().enumerate() {
            if c.b - c.a >= 2 || self.toks[c.a].has(CJK) {
                let e = group
                    .entry(c.key.as_str())
                    .or_insert((0, ci, false, false, false));
                e.0 += c.score;
                e.2 |= !self.toks[c.a].has(SSTART);
                e.3 |= c.np;
                e.4 |= c.cued;
            }
        }
        let mut accepted: FastMap<&str, bool> = FastMap::default();
        for (k, &(sc, first, non_initial, np, cued)) in &group {
            let mut total = sc;
            let fo = &body[first];
            let is_cjk = self.toks[fo.a].has(CJK);
            if non_initial && !is_cjk {
                total += 1;
            }
            if !is_cjk && singles_seen.contains_key(self.t(fo.b - 1)) {
                total += 2;
            }
            let words = fo.b - fo.a;
            let has_initial_or_particle =
                (fo.a..fo.b).any(|i| self.toks[i].has(INITIAL) || self.is_particle(i));
            if !is_cjk && words >= 3 && !self.is_given(fo.a) && !has_initial_or_particle {
                total -= 2;
            }
            if org_prefixes.iter().any(|p| p == k) {
                total -= 3;
            }
            // "Air France", "Garuda Indonesia": a place or nationality as surname needs a cue.
            if !is_cjk && self.is_single_np(fo.b - 1) && !cued && !self.is_given(fo.a) {
                total -= 3;
            }
            let ok = if is_cjk { total >= 2 } else { total >= 1 } && !np;
            accepted.insert(k, ok);
        }

        // Known full names: accepted multi-word names and KB names found in the text.
        let mut fulls: Vec<(String, Vec<String>, Option<String>)> = Vec::new(); // (name, words, kb id)
        let mut seen_full: FastMap<String, usize> = FastMap::default();
        for c in &body {
            if accepted.get(c.key.as_str()) == Some(&true) && !seen_full.contains_key(&c.key) {
                seen_full.insert(c.key.clone(), fulls.len());
                let words: Vec<String> = (c.a..c.b).map(|i| self.t(i).to_string()).collect();
                // A spelling close to a KB person's ("Sergey Ryabkov" for "Sergei Ryabkov").
                let near = self.kb_near(&words);
                let name = near.map_or(c.key.clone(), |pi| self.ctx.kb.people[pi].name.clone());
                let id = near.map(|pi| self.ctx.kb.people[pi].id.clone());
                fulls.push((name, words, id));
            }
        }
        for (span, pi, _) in &self.kb_hits {
            let e = &self.ctx.kb.people[*pi];
            if !seen_full.contains_key(&e.name) {
                seen_full.insert(e.name.clone(), fulls.len());
                let words = e.name.split_whitespace().map(str::to_string).collect();
                fulls.push((e.name.clone(), words, Some(e.id.clone())));
            }
            let _ = span;
        }
        // Suffix (surname) and first-name maps.
        let mut suffix: FastMap<String, Vec<usize>> = FastMap::default();
        let mut firsts: FastMap<String, Vec<usize>> = FastMap::default();
        for (fi, (_, words, _)) in fulls.iter().enumerate() {
            if words.len() < 2 {
                continue;
            }
            for k in 1..words.len() {
                // "von der Leyen" is a surname; "der Leyen" is not.
                if k > 1
                    && PARTICLES.contains(&words[k].as_str())
                    && PARTICLES.contains(&words[k - 1].as_str())
                {
                    continue;
                }
                let suf = words[k..].join(" ");
                let v = suffix.entry(suf).or_default();
                if !v.contains(&fi) {
                    v.push(fi);
                }
            }
            if !words[0].ends_with('.') && GIVEN.contains(name_key(&words[0]).as_str()) {
                firsts.entry(words[0].clone()).or_default().push(fi);
            }
        }
        // First names shared by two people or equal to someone's surname are not used.
        firsts.retain(|k, v| v.len() == 1 && !suffix.contains_key(k));

        // Single-word groups that do not resolve: summed evidence.
        let mut single_group: FastMap<&str, (i32, bool)> = FastMap::default();
        let mut single_strong: FastMap<&str, i32> = FastMap::default();
        for c in &body {
            if c.b - c.a == 1 && !self.toks[c.a].has(CJK) {
                *single_strong.entry(c.key.as_str()).or_default() += c.strong;
                let e = single_group.entry(c.key.as_str()).or_insert((-1, false));
                if c.neg {
                    e.0 -= 100;
                }
                let sstart_plural = self.toks[c.a].has(SSTART) && self.t(c.a).ends_with('s');
                if !sstart_plural {
                    e.0 += c.score;
                }
                if !self.toks[c.a].has(SSTART) {
                    e.1 = true;
                }
            }
        }

        let mut out: Vec<PersonMention> = Vec::new();
        let mut accepted_singles: Vec<String> = Vec::new();
        let mut last_full_pos: FastMap<usize, usize> = FastMap::default();
        let all: Vec<&Cand> = body.iter().collect();
        for c in all {
            let n = c.b - c.a;
            let start = self.toks[c.a].s as usize;
            let resolved_full = if n >= 2 || self.toks[c.a].has(CJK) {
                // A strict suffix of a longer known name is a second reference ("Lo Presti",
                // "Von der Leyen" at a sentence start).
                let lowered = lower_first(&c.key);
                let as_suffix = suffix
                    .get(&c.key)
                    .or_else(|| suffix.get(&lowered))
                    .and_then(|v| pick(v, &last_full_pos, start))
                    .map(|fi| (fi, MentionForm::Surname));
                if as_suffix.is_some() {
                    as_suffix
                } else if accepted.get(c.key.as_str()) == Some(&true) {
                    let fi = seen_full[&c.key];
                    last_full_pos.entry(fi).or_insert(start);
                    Some((fi, MentionForm::FullName))
                } else {
                    None
                }
            } else if c.np && !c.cued {
                None
            } else {
                suffix
                    .get(&c.key)
                    .and_then(|v| pick(v, &last_full_pos, start))
                    .or_else(|| {
                        let ok = !self.toks[c.a].has(SSTART)
                            || self.is_cue(self.at(c.b, self.toks[c.a].sent));
                        firsts.get(&c.key).filter(|_| ok).map(|v| v[0])
                    })
                    .map(|fi| (fi, MentionForm::Surname))
            };
            let m = match resolved_full {
                Some((fi, form)) => {
                    let (name, words, kb) = &fulls[fi];
                    let form = if form == MentionForm::Surname && c.title_adjacent_cap {
                        MentionForm::TitledSurname
                    } else {
                        form
                    };
                    self.mention(
                        c,
                        form,
                        name.clone(),
                        words.last().map(String::as_str).unwrap_or(""),
                        true,
                        kb.clone(),
                    )
                }
                None => {
                    if n >= 2 || self.toks[c.a].has(CJK) {
                        continue;
                    }
                    // A single word on its own: a title/honorific, or enough evidence.
                    // A surname the knowledge base knows counts like a title.
                    let titled = c.cued
                        && (c.title_adjacent_cap || c.honorific || c.title.is_some())
                        || (!self.ctx.kb.people.is_empty()
                            && !self.ctx.kb.people_with_surname(&c.key).is_empty());
                    let (score, non_initial) = single_group
                        .get(c.key.as_str())
                        .copied()
                        .unwrap_or((-1, false));
                    let strong = single_strong.get(c.key.as_str()).copied().unwrap_or(0);
                    let ok = !c.np
                        && (titled
                            || (score >= 1 && non_initial && strong >= 1)
                            || (score >= 2 && strong >= 1));
                    if !ok {
                        continue;
                    }
                    let form = if c.title_adjacent_cap {
                        MentionForm::TitledSurname
                    } else {
                        MentionForm::Surname
                    };
                    if !accepted_singles.contains(&c.key) {
                        accepted_singles.push(c.key.clone());
                    }
                    self.mention(c, form, c.key.clone(), &c.key, false, None)
                }
            };
            let mut m = m;
            if let Some(role) = self.credit_role(c.a) {
                m.role = role;
                m.title = None;
            }
            // "Keiko Tanabe (田辺恵子)": the name in its own script, same person.
            if m.resolved && n >= 2 {
                let k = c.b + usize::from(c.poss);
                if self.punct_is(Some(k).filter(|&k| k < self.toks.len()), '(')
                    && self.toks.get(k + 1).is_some_and(|t| t.has(CJK))
                    && self.punct_is(Some(k + 2).filter(|&k| k < self.toks.len()), ')')
                {
                    let t = self.toks[k + 1];
                    let mut alias = m.clone();
                    alias.span = t.range();
                    alias.text = self.doc.text.get(t.range()).unwrap_or("").into();
                    alias.form = MentionForm::Alias;
                    alias.title = None;
                    out.push(alias);
                }
            }
            out.push(m);
        }

        // Headlines repeat names known from the body.
        for c in &head {
            self.names_in_headline(
                c,
                &fulls,
                &suffix,
                &accepted_singles,
                &org_prefixes,
                &mut out,
            );
        }

        // Knowledge-base matches.
        for (span, pi, is_name) in &self.kb_hits {
            let e = &self.ctx.kb.people[*pi];
            let text = self.doc.text.get(span.clone()).unwrap_or("").to_string();
            let words: Vec<&str> = text.split_whitespace().collect();
            let form = if *is_name {
                MentionForm::FullName
            } else {
                MentionForm::Alias
            };
            let _ = words;
            let title = self
                .tok_at(span.start)
                .and_then(|a| {
                    let ss = self.sent_range(self.toks[a].sent).0;
                    (a > ss && self.aux[a - 1].title_from != NONE).then(|| {
                        let te = a - 1;
                        (
                            self.extend_role_back(ss, self.aux[te].title_from as usize),
                            te + 1,
                        )
                    })
                })
                .filter(|&(_, te)| !self.c(te - 1, C_HONORIFIC))
                .map(|r| self.role_text(r));
            out.push(PersonMention {
                span: span.clone(),
                text: text.into(),
                form,
                role: PersonRole::Subject,
                name: e.name.as_str().into(),
                surname: name_key(super::kb::surname_of(&e.name)).into(),
                resolved: true,
                kb_id: Some(e.id.as_str().into()),
                title: title.map(Box::new),
            });
        }
        out
    }

    /// The KB person whose name is a near spelling of `words`: same surname (diacritics
    /// folded), first name within two edits, same first letter.
    fn kb_near(&self, words: &[String]) -> Option<usize> {
        if self.ctx.kb.people.is_empty() || words.len() < 2 {
            return None;
        }
        let first = name_key(&words[0]);
        let cands = self.ctx.kb.people_with_surname(words.last()?);
        let mut found = None;
        for &pi in cands {
            let kb_name = &self.ctx.kb.people[pi].name;
            let kb_first = name_key(kb_name.split_whitespace().next().unwrap_or(""));
            let d = super::kb::edit_distance(&first, &kb_first);
            if d <= 2
                && first.chars().count() >= 4
                && first.chars().next() == kb_first.chars().next()
            {
                if found.is_some() {
                    return None;
                }
                found = Some(pi);
            }
        }
        found
    }

    /// "(Reporting by Anna Keller in Geneva and Pavel Sorokin in Moscow; Editing by Tom Hadley)":
    /// names after a credit cue in the same sentence are authors or credits.
    fn credit_role(&self, a: usize) -> Option<PersonRole> {
        let (ss, _) = self.sent_range(self.toks[a].sent);
        let mut k = a;
        while k > ss + 1 {
            k -= 1;
            if self.toks[k].is_word() && self.t(k).eq_ignore_ascii_case("by") {
                let w = self.t(k - 1).to_ascii_lowercase();
                return match w.as_str() {
                    "reporting" | "reported" | "written" | "writing" | "compiled"
                    | "additional" | "story" | "text" => Some(PersonRole::Author),
                    "editing" | "edited" | "photos" | "photo" | "photographs" | "photography"
                    | "illustration" | "graphics" | "video" | "produced" => {
                        Some(PersonRole::Credit)
                    }
                    _ => None,
                };
            }
            if self.toks[k].kind == Kind::Punct && matches!(self.toks[k].ch, '.' | '"' | '“' | '”')
            {
                return None;
            }
        }
        None
    }

    /// Whether `w` appears as a capitalised word in a body sentence.
    fn in_body(&self, w: &str) -> bool {
        self.toks
            .iter()
            .enumerate()
            .any(|(i, t)| t.is_word() && !t.has(HEAD) && t.has(CAP) && self.t(i) == w)
    }

    /// Names inside a headline run: known full names, known surnames, and a given name with
    /// the word after it ("Tara Reid Finally Checks Into Rehab").
    fn names_in_headline(
        &self,
        c: &Cand,
        fulls: &[(String, Vec<String>, Option<String>)],
        suffix: &FastMap<String, Vec<usize>>,
        singles: &[String],
        org_prefixes: &[String],
        out: &mut Vec<PersonMention>,
    ) {
        let sub = |a: usize, b: usize| self.raw_cand(a, b);
        let title_case = self.toks[c.a].has(HEAD);
        let mut i = c.a;
        while i < c.b {
            let mut matched: Option<(usize, usize, MentionForm)> = None;
            for (fi, (_, words, _)) in fulls.iter().enumerate() {
                let n = words.len();
                if n >= 2
                    && i + n <= c.b
                    && (0..n).all(|k| self.t(i + k) == words[k])
                    && matched.is_none_or(|(_, m, _)| n > m)
                {
                    matched = Some((fi, n, MentionForm::FullName));
                }
            }
            if let Some((fi, n, form)) = matched {
                let (name, words, kb) = &fulls[fi];
                out.push(self.mention(
                    &sub(i, i + n),
                    form,
                    name.clone(),
                    words.last().map(String::as_str).unwrap_or(""),
                    true,
                    kb.clone(),
                ));
                i += n;
                continue;
            }
            // Given name + surname.
            if i + 1 < c.b
                && self.is_given(i)
                && self.name_word(i + 1)
                && !self.is_single_np(i + 1)
                && !self.toks[i + 1].has(INITIAL)
            {
                let sur = self.t(i + 1);
                let known = suffix.contains_key(sur) || singles.iter().any(|s| s == sur);
                let at_start = self.toks[i].has(SSTART) || !title_case;
                // Not "San Diego Chargers", "Betty Ford Clinic", nor a body organisation's prefix.
                let place_before = i > c.a && self.c(i - 1, C_PLACE_PREFIX);
                let org_after = i + 2 < c.b && self.is_org_word(i + 2);
                let org_prefix = org_prefixes.iter().any(|p| *p == self.key_of(i, i + 2));
                if (known || at_start || self.in_body(sur))
                    && !place_before
                    && !org_after
                    && !org_prefix
                {
                    let name = format!("{} {}", self.t(i), sur);
                    out.push(self.mention(
                        &sub(i, i + 2),
                        MentionForm::FullName,
                        name,
                        sur,
                        true,
                        None,
                    ));
                    i += 2;
                    continue;
                }
            }
            let w = self.t(i);
            if let Some(v) = suffix.get(w).filter(|v| v.len() == 1) {
                let (name, words, kb) = &fulls[v[0]];
                out.push(self.mention(
                    &sub(i, i + 1),
                    MentionForm::Surname,
                    name.clone(),
                    words.last().map(String::as_str).unwrap_or(""),
                    true,
                    kb.clone(),
                ));
            } else if singles.iter().any(|s| s == w) {
                out.push(self.mention(
                    &sub(i, i + 1),
                    MentionForm::Surname,
                    w.to_string(),
                    w,
                    false,
                    None,
                ));
            }
            i += 1;
        }
    }

    fn role_text(&self, (a, b): (usize, usize)) -> RoleText {
        let s = self.toks[a].s as usize;
        let e = self.toks[b - 1].e as usize;
        let text = self.doc.text.get(s..e).unwrap_or("").to_string();
        let normalized = normalize_role(&text);
        RoleText {
            span: s..e,
            text: text.into(),
            normalized: normalized.into(),
        }
    }

    fn mention(
        &self,
        c: &Cand,
        form: MentionForm,
        name: String,
        surname: &str,
        resolved: bool,
        kb_id: Option<String>,
    ) -> PersonMention {
        let mut s = self.toks[c.a].s as usize;
        let e = self.toks[c.b - 1].e as usize;
        if form == MentionForm::TitledSurname && c.a > 0 {
            // The whole title match ("Under Secretary Ellison"), or the honorific.
            let te = c.a - 1;
            let tf = self.aux[te].title_from;
            s = self.toks[if tf == NONE { te } else { tf as usize }].s as usize;
        }
        let title = c.title.or(c.appos).map(|r| self.role_text(r));
        PersonMention {
            span: s..e,
            text: self.doc.text.get(s..e).unwrap_or("").into(),
            form,
            role: PersonRole::Subject,
            name: name.into(),
            surname: name_key(surname).into(),
            resolved,
            kb_id: kb_id.map(Into::into),
            title: title.map(Box::new),
        }
    }

    /// Authors (front matter, byline blocks) and credits ("Photo: Marc Dubois/Ledger").
    fn bylines_and_credits(&self, out: &mut Vec<PersonMention>) {
        let mut spans: Vec<(Span, PersonRole)> = Vec::new();
        for b in &self.doc.blocks {
            let role = match b.kind {
                BlockKind::Byline => PersonRole::Author,
                BlockKind::Credit => PersonRole::Credit,
                _ => continue,
            };
            let Some(text) = self.p.get(b.span.clone()) else {
                continue;
            };
            // Skip the label ("By", "Written by", "Photo:").
            let body_off = match role {
                PersonRole::Author => {
                    let lower = text.to_ascii_lowercase();
                    lower.find("by ").map_or(0, |i| i + 3)
                }
                _ => text.find(':').map_or(0, |i| i + 1),
            };
            let mut toks = Vec::new();
            tokens::tokenize_str(&text[body_off..], b.span.start + body_off, 0, &mut toks);
            let mut i = 0;
            while i < toks.len() {
                if !(toks[i].is_word() && toks[i].has(NAMEY) && !toks[i].has(ALLCAPS)) {
                    i += 1;
                    continue;
                }
                let st = i;
                let mut j = i + 1;
                while j < toks.len() {
                    let w = &self.p[toks[j].range()];
                    let is_part = toks[j].is_word()
                        && (toks[j].has(NAMEY) && !toks[j].has(ALLCAPS)
                            || (toks[j].has(LOWER) && eq_any(w, PARTICLES)));
                    if !is_part {
                        break;
                    }
                    j += 1;
                }
                let words = j - st;
                let all_org = (st..j)
                    .any(|k| ORG_WORDS.contains(self.p[toks[k].range()].trim_end_matches('.')));
                if (2..=4).contains(&words) && !all_org {
                    let s = toks[st].s as usize;
                    let e = toks[j - 1].e as usize;
                    spans.push((s..e, role));
                }
                i = j;
            }
        }
        if let Some(a) = &self.doc.meta.author_span {
            if !spans
                .iter()
                .any(|(s, _)| s.start < a.end && a.start < s.end)
            {
                // Front matter: "Jane Doe, John Roe" / "Jane Doe and John Roe".
                let text = self.doc.text.get(a.clone()).unwrap_or("");
                let mut off = 0;
                for piece in text.split([',', ';', '&']).flat_map(|p| p.split(" and ")) {
                    let pos = text[off..].find(piece).map_or(off, |i| off + i);
                    off = pos + piece.len();
                    let lead = piece.len() - piece.trim_start().len();
                    let t = piece.trim();
                    if !t.is_empty() && t.chars().next().is_some_and(char::is_uppercase) {
                        let s = a.start + pos + lead;
                        spans.push((s..s + t.len(), PersonRole::Author));
                    }
                }
            }
        }
        for (span, role) in spans {
            let text = self.doc.text.get(span.clone()).unwrap_or("").to_string();
            let name: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let single = !name.contains(' ');
            out.push(PersonMention {
                span,
                surname: name_key(super::kb::surname_of(&name)).into(),
                text: text.into(),
                form: if single {
                    MentionForm::Surname
                } else {
                    MentionForm::FullName
                },
                role,
                resolved: !single,
                name: name.into(),
                kb_id: None,
                title: None,
            });
        }
    }

    /// Role-only mentions ("the French ambassador to Germany") resolved through dated KB roles.
    fn role_only(&self, out: &mut Vec<PersonMention>) {
        if self.ctx.kb.people.is_empty() {
            return;
        }
        let date = self.doc.meta.date;
        let n = self.toks.len();
        for te in 0..n {
            if self.aux[te].title_from == NONE {
                continue;
            }
            let tf = self.aux[te].title_from as usize;
            let (ss, se) = self.sent_range(self.toks[te].sent);
            // Followed by a name: not role-only.
            if te + 1 < se && self.name_word(te + 1) && !self.is_single_np(te + 1) {
                continue;
            }
            // Must start with a determiner ("the CIA director").
            let rs = self.extend_role_back(ss, tf);
            let det = rs
                .checked_sub(1)
                .filter(|&k| k >= ss && self.word_is(Some(k), &["the"]));
            let Some(det) = det else { continue };
            // Optional complement: "to Germany", "of France", "for the region".
            let mut end = te + 1;
            if end + 1 < se && self.word_is(Some(end), &["to", "of", "for", "in", "at"]) {
                let mut k = end + 1;
                if self.word_is(Some(k), &["the"]) {
                    k += 1;
                }
                let cap_start = k;
                while k < se && self.toks[k].is_word() && self.toks[k].has(CAP) {
                    k += 1;
                }
                if k > cap_start {
                    end = k;
                }
            }
            let s = self.toks[det].s as usize;
            let e = self.toks[end - 1].e as usize;
            let Some(text) = self.doc.text.get(s..e) else {
                continue;
            };
            if out.iter().any(|m| m.span.start < e && s < m.span.end) {
                continue;
            }
            if let Some((pi, _)) = self.ctx.kb.holder_of(text, date) {
                let p = &self.ctx.kb.people[pi];
                out.push(PersonMention {
                    span: s..e,
                    text: text.into(),
                    form: MentionForm::RoleOnly,
                    role: PersonRole::Subject,
                    name: p.name.as_str().into(),
                    surname: name_key(super::kb::surname_of(&p.name)).into(),
                    resolved: true,
                    kb_id: Some(p.id.as_str().into()),
                    title: Some(Box::new(RoleText {
                        span: s..e,
                        text: text.into(),
                        normalized: normalize_role(text).into(),
                    })),
                });
            }
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_lowercase().chain(c).collect())
}

/// Among full names `v` sharing a surname, the one introduced most recently before `pos`
/// (else the only one, else none).
fn pick(v: &[usize], last: &FastMap<usize, usize>, pos: usize) -> Option<usize> {
    if v.len() == 1 {
        return Some(v[0]);
    }
    // The first person introduced (the article's subject) unless only a later one is known yet.
    v.iter()
        .filter_map(|fi| last.get(fi).filter(|&&p| p <= pos).map(|&p| (p, *fi)))
        .min()
        .map(|x| x.1)
        .or_else(|| v.iter().min().copied())
}

/// Sort, drop overlaps (first/longest wins) and return.
fn finish(doc: &Document<'_>, mut out: Vec<PersonMention>) -> Vec<PersonMention> {
    let _ = doc;
    out.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(b.span.end.cmp(&a.span.end))
    });
    let mut kept: Vec<PersonMention> = Vec::with_capacity(out.len());
    for m in out {
        if let Some(last) = kept.last() {
            if m.span.start < last.span.end {
                continue;
            }
        }
        kept.push(m);
    }
    kept
}

#[cfg(test)]
mod tests;
