//! Text from outside: what a field accepts, and what an error message may repeat of it.
//!
//! A message that quotes what was typed helps the cashier find it, but whatever arrives can
//! be a pasted megabyte, a secret key pasted into the wrong box, or characters that hide or
//! reorder the text around them on screen (right-to-left overrides, zero-width spaces).

/// How much of an input a message quotes: enough to recognise it.
const QUOTED_CHARS: usize = 40;

/// Whether `c` is one of the invisible characters that change how the text around them
/// reads: bidirectional embeddings, overrides and isolates (the "Trojan Source" characters),
/// zero-width spaces and joiners, the byte order mark, and other format characters.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// The bidirectional controls that reorder text; letters of right-to-left scripts need none
/// of them, so a name or a note never has a reason to carry one.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether a piece of text can be shown on one line or needs several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    /// Newlines and tabs are allowed.
    Several,
}

/// What is wrong with `text` as the content of a field, if anything: too long, control
/// characters, bidirectional controls, or nothing visible at all (a description made of
/// zero-width spaces would print as an empty line on the receipt).
pub fn problem(text: &str, max_chars: usize, lines: Lines) -> Option<String> {
    let chars = text.chars().count();
    if chars > max_chars {
        return Some(format!("at most {max_chars} characters ({chars} given)"));
    }
    let allowed_control = |c: char| lines == Lines::Several && (c == '\n' || c == '\t');
    if text.chars().any(|c| c.is_control() && !allowed_control(c)) {
        return Some("contains control characters".into());
    }
    if text.chars().any(is_bidi_control) {
        return Some("contains characters that reorder text (right-to-left overrides)".into());
    }
    if !text.is_empty() && text.chars().all(|c| c.is_whitespace() || is_invisible_format(c)) {
        return Some("has nothing visible in it".into());
    }
    None
}

/// `input` in double quotes for a message: at most 40 characters (then "…"), invisible
/// characters written as escapes, and not at all when it looks like a secret key.
pub fn quoted(input: &str) -> String {
    if looks_secret(input) {
        return "(a secret key or client secret, not repeated here)".into();
    }
    format!("\"{}\"", shown(input, QUOTED_CHARS))
}

/// Text that may quote what arrived (a library's message such as serde's "invalid type:
/// string …", a problem the window reports for the log) made safe to show or log: at most
/// `max_chars` characters, invisible characters escaped (so one log line stays one line),
/// and the words that look like a secret dropped (a blocked URL may carry a client secret).
pub fn clipped(text: &str, max_chars: usize) -> String {
    let head: String = text.chars().take(max_chars + 1).collect();
    let words: String = head
        .split_inclusive(|c: char| c.is_whitespace() || "?&=#\"'`,;".contains(c))
        .map(|word| if looks_secret(word) { "[redacted] " } else { word })
        .collect();
    shown(&words, max_chars)
}

/// Secret keys (`sk_…`, restricted `rk_…`) and client secrets (`pi_…_secret_…`).
fn looks_secret(text: &str) -> bool {
    text.contains("_secret_") || ["sk_", "rk_"].iter().any(|prefix| text.contains(prefix))
}

/// At most `max_chars` characters once escaped, then "…".
fn shown(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for c in text.chars() {
        let piece = if c.is_control() || is_invisible_format(c) { c.escape_unicode().to_string() } else { c.to_string() };
        count += piece.chars().count();
        if count > max_chars {
            out.push('…');
            break;
        }
        out.push_str(&piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_is_short_visible_and_never_a_secret() {
        assert_eq!(quoted("3.5.0"), "\"3.5.0\"");
        assert_eq!(quoted(&"9".repeat(1_000_000)), format!("\"{}…\"", "9".repeat(40)));
        assert_eq!(quoted("a\u{202E}b\u{0}"), "\"a\\u{202e}b\\u{0}\"");
        assert!(!quoted("sk_live_abcdefgh12345678").contains("abcdefgh"));
        assert!(!quoted("pi_1_secret_abc").contains("abc"));
    }

    #[test]
    fn clipped_text_keeps_its_words_but_not_a_secret_nor_its_length() {
        let message = "invalid type: string \"sk_live_abcdefgh12345678\", expected a boolean";
        assert_eq!(clipped(message, 200), "invalid type: string \"[redacted] , expected a boolean");
        let detail = "frame-src blocked https://evil.example/x?client_secret=pi_1_secret_abc&k=sk_live_123 sk_test_9\n";
        let logged = clipped(detail, 500);
        assert!(!logged.contains("pi_1_secret_abc") && !logged.contains("sk_live_123") && !logged.contains("sk_test_9"), "{logged}");
        assert!(logged.contains("frame-src blocked https://evil.example/x?"), "{logged}");
        assert!(!logged.contains('\n'));
        assert_eq!(clipped("ééé", 2), "éé…");
        assert_eq!(clipped(&"x".repeat(300), 10).chars().count(), 11);
        assert!(clipped(&"\u{200B}".repeat(300), 100).chars().count() <= 101, "escapes count too");
    }

    #[test]
    fn fields_refuse_what_hides_or_reorders_text() {
        assert_eq!(problem("Flat white", 200, Lines::One), None);
        assert_eq!(problem("שוקו חם", 200, Lines::One), None, "right-to-left letters need no override");
        assert_eq!(problem("👩‍👩‍👧", 200, Lines::One), None, "emoji sequences use zero-width joiners");
        assert_eq!(problem("line\nline", 200, Lines::Several), None);
        assert!(problem("line\nline", 200, Lines::One).unwrap().contains("control"));
        assert!(problem("\u{202E}gnp.exe", 200, Lines::One).unwrap().contains("reorder"));
        assert!(problem("\u{200B}\u{FEFF}", 200, Lines::One).unwrap().contains("nothing visible"));
        assert!(problem(&"é".repeat(201), 200, Lines::One).unwrap().contains("201 given"));
    }
}
