//! What the workspace keeps of every file for cross-file queries: where its people and event
//! mentions are (as u32 byte spans), how each person is named and titled, the article's date,
//! and a line table to turn spans into line/column positions.
//!
//! The language server keeps *only* this for the thousands of articles it indexes from disk
//! (no text, no full analysis): a 4 KB article costs about 1.5 KB here instead of the 4 KB
//! text plus 7 KB of analysis. References, hover aggregates, rename and code lens read
//! outlines; features of the document under the cursor read its full analysis.

use chrono::NaiveDate;

use crate::analysis::{FileAnalysis, MentionForm, Span, Str};
use crate::lines::LineTable;

/// `PersonSpot::title` of a mention with no title.
const NO_TITLE: u32 = u32::MAX;

/// One person mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonSpot {
    pub start: u32,
    pub end: u32,
    /// Index into `Outline::titles`, or `NO_TITLE`.
    title: u32,
    /// Offset from `start` of the name's last word: a rename of "President Macron" replaces
    /// only "Macron".
    pub last_word: u16,
    pub form: MentionForm,
}

impl PersonSpot {
    pub fn span(&self) -> Span {
        self.start as usize..self.end as usize
    }
}

/// A title or role the text gives a person ("top Élysée adviser"), with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleSpot {
    pub start: u32,
    pub end: u32,
    /// Verbatim.
    pub text: Str,
    /// Normalised for grouping.
    pub normalized: Str,
}

impl TitleSpot {
    pub fn span(&self) -> Span {
        self.start as usize..self.end as usize
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    /// The article's date (front matter, dateline or fallback).
    pub date: Option<NaiveDate>,
    /// In the order of `FileAnalysis::people` (the people index refers to them by position).
    pub people: Box<[PersonSpot]>,
    pub titles: Box<[TitleSpot]>,
    /// Spans of `FileAnalysis::events`, in order.
    pub events: Box<[(u32, u32)]>,
    pub lines: LineTable,
}

fn u32_of(x: usize) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

impl Outline {
    /// The outline of `analysis`, an analysis of `text`. `intern` may replace each shared
    /// string with an equal one (the workspace's interner).
    pub fn new(text: &str, analysis: &FileAnalysis, intern: &mut dyn FnMut(&mut Str)) -> Outline {
        let mut titles = Vec::new();
        let people = analysis
            .people
            .iter()
            .map(|m| {
                let title = match &m.title {
                    Some(t) => {
                        let mut text = t.text.clone();
                        let mut normalized = t.normalized.clone();
                        intern(&mut text);
                        intern(&mut normalized);
                        titles.push(TitleSpot {
                            start: u32_of(t.span.start),
                            end: u32_of(t.span.end),
                            text,
                            normalized,
                        });
                        u32_of(titles.len() - 1)
                    }
                    None => NO_TITLE,
                };
                let last_word = text
                    .get(m.span.clone())
                    .and_then(|s| s.rfind(crate::analysis::kb::surname_of(s)))
                    .and_then(|i| u16::try_from(i).ok())
                    .unwrap_or(0);
                PersonSpot {
                    start: u32_of(m.span.start),
                    end: u32_of(m.span.end),
                    title,
                    last_word,
                    form: m.form,
                }
            })
            .collect();
        Outline {
            date: analysis.meta.date,
            people,
            titles: titles.into_boxed_slice(),
            events: analysis
                .events
                .iter()
                .map(|e| (u32_of(e.span.start), u32_of(e.span.end)))
                .collect(),
            lines: LineTable::new(text),
        }
    }

    pub fn person(&self, i: usize) -> Option<&PersonSpot> {
        self.people.get(i)
    }

    pub fn title_of(&self, p: &PersonSpot) -> Option<&TitleSpot> {
        self.titles.get(p.title as usize)
    }

    pub fn person_span(&self, i: usize) -> Option<Span> {
        self.people.get(i).map(PersonSpot::span)
    }

    pub fn event_span(&self, i: usize) -> Option<Span> {
        self.events.get(i).map(|&(s, e)| s as usize..e as usize)
    }

    /// Heap bytes held, not counting shared strings (for memory accounting).
    pub fn heap_bytes(&self) -> usize {
        self.people.len() * std::mem::size_of::<PersonSpot>()
            + self.titles.len() * std::mem::size_of::<TitleSpot>()
            + self.events.len() * 8
            + self.lines.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, Context};

    #[test]
    fn spans_titles_and_rename_points_match_the_analysis() {
        let text = "GENEVA — Deputy Foreign Minister Sergei Ryabkov said on Monday that the talks \
                    were useful. President Macron disagreed. “We’ll see,” Ryabkov said.\n";
        let a = analyze(text, &Context::defaults());
        let o = Outline::new(text, &a, &mut |_| {});
        assert_eq!(o.people.len(), a.people.len());
        for (i, m) in a.people.iter().enumerate() {
            assert_eq!(o.person_span(i), Some(m.span.clone()));
            assert_eq!(o.people[i].form, m.form);
            let t = o.title_of(&o.people[i]);
            assert_eq!(
                t.map(|t| t.span()),
                m.title.as_ref().map(|t| t.span.clone())
            );
        }
        let macron = a
            .people
            .iter()
            .position(|m| m.text.as_ref() == "President Macron");
        let macron = macron.expect("titled surname found");
        let spot = o.people[macron];
        assert_eq!(
            &text[spot.start as usize + spot.last_word as usize..spot.end as usize],
            "Macron"
        );
        for (i, e) in a.events.iter().enumerate() {
            assert_eq!(o.event_span(i), Some(e.span.clone()));
        }
        assert_eq!(o.date, a.meta.date);
    }
}
