//! `unsourced-statistic` (hint): a percentage, an amount of money, a figure in millions or
//! billions, a ratio ("one in five") or a change by a fraction ("risen by roughly a quarter")
//! in a sentence with no attribution covering it, no footnote, no inline link and no trailing
//! credit ("(Reuters)", "(Source: Eurostat)"). Years, dates, ages, times, ordinals and plain
//! counts are not statistics; figures inside quotations belong to the speaker, and headlines
//! summarise the body.

use std::sync::LazyLock;

use regex::Regex;

use super::super::document::{BlockKind, Document};
use super::super::{Attribution, Context, Finding, Quote};
use super::fixes::{
    add_footnote, before_final_stop, disable_line, finding, name_source_insert, shorten,
};

pub const CODE: &str = "unsourced-statistic";

const NUM: &str =
    r"(?:\d{1,3}(?:,[ \u{a0}]?\d{3}|\u{a0}\d{3})+(?:\.[ ]?\d+)?|\d+(?:\.[ ]?\d+)?|\.[ ]?\d+)";
const WORDNUM: &str = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred)";
const CURRENCY_WORDS: &str = r"(?:euros?|dollars?|pounds sterling|yen|yuan|renminbi|roubles?|rubles?|crowns?|kroner|krone|kronor|francs?|rupees?|pesos?|reais|rand|lira|liras|zloty|won|shekels?|dirhams?|riyals?)";
const QUALIFIER: &str = r"(?:(?:roughly|about|nearly|almost|around|some|approximately|more than|less than|fewer than|over|under|just over|just under|up to|at least|at most|as much as|as many as|an estimated)[ \u{a0}]+)?";

static STAT: LazyLock<Regex> = LazyLock::new(|| {
    let pct = format!(
        r"(?:{NUM}|{WORDNUM})(?:[ \u{{a0}}-]?%|[ \u{{a0}}-](?:percent|per[ \u{{a0}}]cent|percentage[ \u{{a0}}]points?|pct)(?-u:\b))"
    );
    let cur_pre = format!(
        r"(?:US\$|C\$|A\$|HK\$|[$€£¥₹₽₩]|(?-u:\b)(?:USD|EUR|GBP|DKK|SEK|NOK|CHF|JPY|CNY|RUB|INR)(?-u:\b))[ \u{{a0}}]?{NUM}(?:[ \u{{a0}}]?(?:million|billion|trillion|bn|mn|m|k)(?-u:\b))?"
    );
    let mag = format!(
        r"(?-u:\b){NUM}[ \u{{a0}}](?:million|billion|trillion)(?-u:\b)(?:[ \u{{a0}}](?:Danish |Swedish |Norwegian |Swiss |US |U\.S\. )?(?:{CURRENCY_WORDS}|pounds)(?-u:\b))?"
    );
    let cur_post = format!(
        r"(?-u:\b){NUM}[ \u{{a0}}](?:Danish |Swedish |Norwegian |Swiss |US |U\.S\. )?{CURRENCY_WORDS}(?-u:\b)"
    );
    let frac = r"(?-u:\b)(?:rose|risen|rises|rising|fell|fallen|falls|falling|grew|grown|grows|growing|dropped|drops|increased|increases|decreased|decreases|climbed|climbs|jumped|jumps|declined|declines|surged|surges|plunged|plunges|soared|soars|shrank|shrunk|slid|slumped|cut|raised|lowered|up|down)[ \u{a0}]+(?:by[ \u{a0}]+)?(?:roughly |about |nearly |almost |more than |less than |around |some |over |just over |just under )?(?:a quarter|a third|a fifth|a tenth|half|two-thirds|three-quarters|a half)(?-u:\b)".to_string();
    let mult = r"(?-u:\b)(?:doubled|tripled|trebled|quadrupled|halved)(?-u:\b)|(?-u:\b)(?:\d+|two|three|four|five|ten)-?fold(?-u:\b)".to_string();
    let ratio = r"(?-u:\b)(?:one|two|three|four|\d+)[ \u{a0}](?:in|out of)[ \u{a0}](?:every[ \u{a0}])?(?:two|three|four|five|six|seven|eight|nine|ten|\d+)(?-u:\b)(?:[ \u{a0}](?:people|adults|children|voters|households|residents|workers|companies|firms|patients|respondents|americans|britons|europeans|danes|[a-z]+s)(?-u:\b))".to_string();
    Regex::new(&format!(
        r"(?i:{QUALIFIER})(?:{pct}|{cur_pre}|{mag}|{cur_post}|(?i:{frac})|(?i:{mult})|(?i:{ratio}))"
    ))
    .unwrap()
});

/// "(Reuters)", "(AP)", "(Source: Eurostat)", "— Eurostat" at the end of the sentence.
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\((?:[Ss]ources?:[^)]{1,80}|[Vv]ia [^)]{1,60}|\p{Lu}[\p{L}.&'’ -]{0,40})\)|[—–][ \u{a0}]*(?:[Ss]ource:[ \u{a0}]*)?\p{Lu}[\p{L}.&'’ -]{1,40})[.!?]?\s*$").unwrap()
});

/// Whether a sentence's statistics are sourced by something other than an attribution.
fn sentence_sourced(doc: &Document<'_>, si: usize) -> bool {
    let s = &doc.sentences[si];
    let next_start = doc
        .sentences
        .get(si + 1)
        .map_or(doc.text.len(), |n| n.span.start);
    // Footnote marker or inline link on the sentence (a marker may follow the final stop).
    let reach = doc.text[s.span.end..next_start]
        .find('\n')
        .map_or(next_start, |i| s.span.end + i);
    if doc
        .footnote_refs
        .iter()
        .any(|f| f.span.start >= s.span.start && f.span.start < reach.max(s.span.end + 1))
    {
        return true;
    }
    if doc
        .links
        .iter()
        .any(|l| l.start < s.span.end && l.end > s.span.start)
    {
        return true;
    }
    credit_at_end(doc.prose_of(&s.span))
}

/// Whether the sentence ends with a credit. The pattern is anchored at the end and a credit
/// is short, so only the tail is searched, and only when it has a parenthesis or a dash.
fn credit_at_end(text: &str) -> bool {
    let mut from = text.len().saturating_sub(400);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let tail = &text[from..];
    (tail.contains(')') || tail.contains('—') || tail.contains('–')) && CREDIT.is_match(tail)
}

/// Whether nothing but one clause stands between a figure (ending at `from`) and a trailing
/// source (starting at `to`): no ";", "and", "but" or "while" in between.
fn same_clause(doc: &Document<'_>, from: usize, to: usize) -> bool {
    if to < from {
        return false;
    }
    let between = doc.prose.get(from..to).unwrap_or("");
    !(between.contains(';')
        || [" and ", " but ", " while "]
            .iter()
            .any(|c| between.contains(c)))
}

/// A sentence that names where its figures come from: a data source ("poll", "survey",
/// "census", "study", "report", …) and a verb of showing ("found", "shows", "estimates").
fn data_source(text: &str) -> bool {
    const NOUNS: &[&str] = &[
        "poll",
        "polls",
        "survey",
        "surveys",
        "study",
        "studies",
        "report",
        "reports",
        "census",
        "data",
        "analysis",
        "estimate",
        "estimates",
        "figures",
        "statistics",
        "researchers",
        "index",
        "forecast",
        "audit",
        "tally",
        "count",
        "filings",
        "filing",
        "records",
    ];
    const VERBS: &[&str] = &[
        "show",
        "shows",
        "showed",
        "shown",
        "found",
        "finds",
        "find",
        "suggests",
        "suggested",
        "estimates",
        "estimated",
        "puts",
        "put",
        "according",
        "indicates",
        "indicated",
        "reported",
        "reports",
        "projects",
        "projected",
        "released",
        "published",
    ];
    /// Sources on their own ("in Monday's poll, 46 percent …").
    const STRONG: &[&str] = &[
        "poll",
        "polls",
        "survey",
        "surveys",
        "census",
        "pollster",
        "pollsters",
    ];
    let mut noun = false;
    let mut verb = false;
    let mut strong = false;
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        let mut buf = [0u8; 16];
        if w.len() > buf.len() || !w.is_ascii() {
            continue;
        }
        for (i, b) in w.bytes().enumerate() {
            buf[i] = b.to_ascii_lowercase();
        }
        let l = std::str::from_utf8(&buf[..w.len()]).unwrap_or("");
        noun |= NOUNS.contains(&l);
        verb |= VERBS.contains(&l);
        strong |= STRONG.contains(&l);
    }
    strong || (noun && verb)
}

/// A list item (or table-like line) under a sourced lead-in ending with ':'.
fn lead_in_sourced(doc: &Document<'_>, atts: &[Attribution], si: usize) -> bool {
    let block = doc.sentences[si].block;
    if doc
        .blocks
        .get(block)
        .is_none_or(|b| b.kind != BlockKind::ListItem)
    {
        return false;
    }
    let mut j = si;
    while j > 0 {
        j -= 1;
        let b = doc.sentences[j].block;
        if doc
            .blocks
            .get(b)
            .is_some_and(|x| x.kind == BlockKind::ListItem)
        {
            continue;
        }
        let t = doc.prose_of(&doc.sentences[j].span).trim_end();
        return t.ends_with(':')
            && (atts.iter().any(|a| a.sentence == j) || sentence_sourced(doc, j));
    }
    false
}

pub fn check(
    doc: &Document<'_>,
    atts: &[Attribution],
    quotes: &[Quote],
    _ctx: &Context<'_>,
    out: &mut Vec<Finding>,
) {
    for (si, s) in doc.sentences.iter().enumerate() {
        if !matches!(
            doc.sentence_kind(si),
            BlockKind::Paragraph | BlockKind::ListItem | BlockKind::BlockQuote
        ) {
            continue;
        }
        let text = doc.prose_of(&s.span);
        if !text.bytes().any(|b| b.is_ascii_digit())
            && !text.contains(['€', '$', '£'])
            && !has_word_stat_hint(text)
        {
            continue;
        }
        let mut checked_sentence: Option<bool> = None;
        let mut first: Option<Finding> = None;
        let mut more = 0;
        for m in STAT.find_iter(text) {
            let span = s.span.start + m.start()..s.span.start + m.end();
            if quotes
                .iter()
                .any(|q| q.span.start <= span.start && span.end <= q.span.end)
            {
                continue;
            }
            // Money below a million (prices, fines, bail) is a fact of record, not a statistic.
            if is_small_money(m.as_str()) && !averaged(text) {
                continue;
            }
            // Any attribution with a source in the sentence covers its figures: the content
            // span may stop short of them, and a figure in the source phrase ("a poll of
            // 1,000 voters found") is the source's own.
            let covered = atts.iter().any(|a| {
                a.sentence == si
                    && ((a.content.start <= span.start && span.end <= a.content.end)
                        || (a.kind != crate::analysis::SourceKind::Agentless
                            && (span.start >= a.source.start.min(a.cue.start)
                                || same_clause(doc, span.end, a.source.start.min(a.cue.start)))))
            }) || data_source(text);
            if covered {
                continue;
            }
            let sourced = *checked_sentence
                .get_or_insert_with(|| sentence_sourced(doc, si) || lead_in_sourced(doc, atts, si));
            if sourced {
                break;
            }
            if first.is_some() {
                more += 1;
                continue;
            }
            let shown = shorten(doc.text.get(span.clone()).unwrap_or(""), 40);
            let mut f = finding(
                CODE,
                span.clone(),
                format!("'{shown}' has no source: attribute the figure or add a footnote"),
            );
            if let Some(at) = before_final_stop(doc, &s.span) {
                f.fixes.push(name_source_insert(
                    at,
                    ", according to ${1:source}".to_string(),
                ));
            }
            f.fixes.push(add_footnote(doc, s.span.end));
            f.fixes.push(disable_line(doc, CODE, span.start));
            first = Some(f);
        }
        // One finding per sentence: the first figure, with a count of the others.
        if let Some(mut f) = first {
            if more > 0 {
                let extra = if more == 1 {
                    "1 more figure".to_string()
                } else {
                    format!("{more} more figures")
                };
                f.message = f.message.replacen(
                    " has no source:",
                    &format!(" ({extra} in this sentence) has no source:"),
                    1,
                );
            }
            out.push(f);
        }
    }
}

/// A sentence about an average or a rate ("pays about 9,400 crowns a year").
fn averaged(text: &str) -> bool {
    let l = text.to_ascii_lowercase();
    [
        "average",
        "median",
        "typical",
        "per capita",
        " a year",
        " a month",
        "per year",
        "per month",
        "annually",
        "each year",
        "a week",
    ]
    .iter()
    .any(|w| l.contains(w))
}

/// An amount of money without "million/billion/trillion" and under 1,000,000.
fn is_small_money(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    if l.contains('%') || l.contains("percent") || l.contains("per cent") || l.contains("point") {
        return false;
    }
    let money = s.contains(['$', '€', '£', '¥', '₹', '₽', '₩'])
        || [
            "usd", "eur", "gbp", "dkk", "sek", "nok", "chf", "jpy", "cny", "rub", "inr", "euro",
            "dollar", "crown", "kron", "franc", "yen", "yuan", "rouble", "ruble", "rupee", "peso",
            "pound",
        ]
        .iter()
        .any(|c| l.contains(c));
    if !money
        || l.contains("million")
        || l.contains("billion")
        || l.contains("trillion")
        || l.contains("bn")
    {
        return false;
    }
    if l.ends_with('m') || l.ends_with("mn") {
        return false;
    }
    let digits: String = s
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let int_part = digits.split('.').next().unwrap_or("");
    int_part.len() < 7
}

fn has_word_stat_hint(text: &str) -> bool {
    let l = text.to_ascii_lowercase();
    [
        "percent", "per cent", "quarter", "third", "half", "fold", "doubled", "tripled", "halved",
        " in ", "million", "billion",
    ]
    .iter()
    .any(|w| l.contains(w))
}

#[cfg(test)]
mod tests {

    fn flags(t: &str) -> Vec<String> {
        crate::analysis::testutil::flagged(t, super::CODE)
    }

    #[test]
    fn fires_on_unsourced_figures() {
        assert_eq!(
            flags("The two countries hold nearly 90 percent of the world's nuclear warheads."),
            vec!["nearly 90 percent"]
        );
        assert_eq!(
            flags("Household electricity bills have risen by roughly a quarter since 2021."),
            vec!["risen by roughly a quarter"]
        );
        assert_eq!(flags("Unemployment rose to 6.2 percent in January, and manufacturers say the levy will make things worse."), vec!["6.2 percent"]);
        assert_eq!(
            flags("The package is worth €4.5 billion."),
            vec!["€4.5 billion"]
        );
        assert_eq!(
            flags("- The package is worth 34 billion crowns"),
            vec!["34 billion crowns"]
        );
        assert_eq!(
            flags("The damage was put at $2.5 million."),
            vec!["$2.5 million"]
        );
        assert_eq!(
            flags("One in five adults now works from home."),
            vec!["One in five adults"]
        );
    }

    #[test]
    fn quiet_when_sourced_or_not_a_statistic() {
        for t in [
            "The two countries hold about 87 percent of the warheads, according to the Stockholm International Peace Research Institute.",
            "Wind supplied 58 percent of Denmark's electricity last year, grid operator Energinet said.",
            "Prices rose 3.1% in the second half of 2025 (Eurostat).",
            "Prices rose 3.1% in the second half of 2025.[^1]\n\n[^1]: Eurostat.",
            "Prices rose 3.1% in 2025, [figures show](https://example.org/x).",
            "Unemployment rose to 6.2 percent in January, the ministry said.",
            "“Prices rose 40 percent in a year,” Holm said.",
            "The treaty, signed in 2010, capped each side at 1,550 deployed warheads.",
            "The 49-year-old left at 9 a.m. on Sept. 12 with 26 colleagues.",
            "He came third in the 2024 race.",
            "If convicted, he faces up to 55 years in prison and a $60,000 fine.",
            "He is 5 feet 8 inches tall and weighs 130 pounds.",
            "It goes on sale on June 24 at $199.",
            "# Unemployment hits 6.2 percent\n\nThe ministry published the figure.",
            "The ministry's figures show:\n\n- Unemployment at 6.2 percent\n- Inflation at 3 percent\n",
        ] {
            assert!(flags(t).is_empty(), "{t}: {:?}", flags(t));
        }
    }
}
