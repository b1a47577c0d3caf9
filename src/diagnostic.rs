//! Diagnostics: every problem a user can cause, with the file, line and column
//! it comes from, rendered rustc-style (`error: …`, `--> file:line:col`, the line
//! and a caret). All user-facing errors of the library end up here.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::plan::limits::{MAX_INPUT_BYTES, MAX_SCRIPT_BYTES};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// Whether `c` would act on a terminal rather than be shown: a control
/// character, a bidirectional mark, override or isolate (U+200E, U+200F,
/// U+061C, U+202A–U+202E, U+2066–U+2069), which can make text read other
/// than it is, a line or paragraph separator (U+2028, U+2029) or a
/// zero-width no-break space (U+FEFF).
fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{FEFF}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `s` made safe for a terminal or a text report: every control character
/// (but line breaks and tabs, when `lines` is true) and every bidi override
/// shown escaped, as `\u{1b}`. Text from scripts and scenarios goes through
/// here before it is printed; JSON output keeps it as data.
pub fn terminal_safe(s: &str, lines: bool) -> std::borrow::Cow<'_, str> {
    let keep = |c: char| lines && (c == '\n' || c == '\t');
    if !s.chars().any(|c| is_hazard(c) && !keep(c)) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hazard(c) && !keep(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// `s` as one line of a diagnostic: line breaks and tabs shown as `\n`,
/// `\r`, `\t`, every other hazard escaped as by [`terminal_safe`]. A
/// message, label or note (a script's `throw` text among them) so cannot
/// print a line of its own that reads like `error: …` or `--> file:1:1`.
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_hazard) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_hazard(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.into()
}

/// A loaded text file, kept so diagnostics can quote it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    /// Read a scenario, world, rule or aggregate file as text, refusing
    /// before reading a file larger than [`MAX_INPUT_BYTES`] (by its size,
    /// or by a bounded read for what has none, like `/dev/zero`), and text
    /// that is not UTF-8, at the line and column of the first bad byte.
    /// I/O failures are `Error::Io`; the others are input errors.
    pub fn read(path: &Path) -> Result<SourceFile, Error> {
        SourceFile::read_limited(path, MAX_INPUT_BYTES, "input files")
    }

    /// Read a rule script or module, limited to [`MAX_SCRIPT_BYTES`]:
    /// compiling a script takes time that grows faster than its length.
    pub fn read_script(path: &Path) -> Result<SourceFile, Error> {
        SourceFile::read_limited(path, MAX_SCRIPT_BYTES, "rule scripts")
    }

    fn read_limited(path: &Path, limit: u64, what: &str) -> Result<SourceFile, Error> {
        use std::io::Read;
        let too_large = |size: String| {
            let limit = if limit >= 1024 * 1024 {
                format!("{} MiB", limit / (1024 * 1024))
            } else {
                format!("{} KiB", limit / 1024)
            };
            Error::one(
                Diagnostic::new(format!(
                    "`{}` is {size}: {what} are limited to {limit}",
                    path.display(),
                ))
                .in_file(&SourceFile::new(path, ""))
                .note("scenario, world and rule files are text of a few kilobytes"),
            )
        };
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            return Err(Error::io(
                path,
                std::io::Error::other("is a folder, not a file"),
            ));
        }
        if meta.is_file() && meta.len() > limit {
            return Err(too_large(format!("{} bytes", meta.len())));
        }
        let mut bytes = Vec::new();
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(path, e))?;
        if bytes.len() as u64 > limit {
            return Err(too_large("larger than that".to_string()));
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile::new(path, text)),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let before = String::from_utf8_lossy(&bytes[..at]);
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                let shown = SourceFile::new(path, String::from_utf8_lossy(&bytes).into_owned());
                Err(Error::one(
                    Diagnostic::new(format!(
                        "`{}` is not UTF-8 text: byte 0x{:02x} at byte offset {at}",
                        path.display(),
                        bytes[at]
                    ))
                    .at(&shown, Span::new(line, column, 1))
                    .label("not UTF-8")
                    .note("save the file as UTF-8"),
                ))
            }
        }
    }

    /// Byte range of `len` characters starting at 1-based `line`, `column`
    /// (column counted in characters). Clamped to the line's end.
    fn byte_range(&self, line: usize, column: usize, len: usize) -> std::ops::Range<usize> {
        let mut start = 0;
        for (i, l) in self.text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                let content = l.trim_end_matches(['\n', '\r']);
                let col_byte = |c: usize| {
                    content
                        .char_indices()
                        .nth(c)
                        .map(|(b, _)| b)
                        .unwrap_or(content.len())
                };
                let from = col_byte(column.saturating_sub(1));
                let to = col_byte(column.saturating_sub(1) + len.max(1)).max(from);
                return start + from..start + to;
            }
            start += l.len();
        }
        self.text.len()..self.text.len()
    }
}

/// A position in a source file: 1-based line and column, and how many
/// characters to underline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

impl Span {
    pub fn new(line: usize, column: usize, len: usize) -> Self {
        Span { line, column, len }
    }
}

/// One problem: what is wrong, where, and what would fix it.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub message: String,
    pub file: Option<SourceFile>,
    pub span: Option<Span>,
    /// Short text printed under the caret.
    pub label: String,
    /// Extra lines: context (actor, event) and hints.
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            file: None,
            span: None,
            label: String::new(),
            notes: Vec::new(),
        }
    }

    pub fn at(mut self, file: &SourceFile, span: Span) -> Self {
        self.file = Some(file.clone());
        self.span = Some(span);
        self
    }

    pub fn in_file(mut self, file: &SourceFile) -> Self {
        self.file = Some(file.clone());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// `file:line:col`, or just the file, or nothing.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        Some(match self.span {
            Some(s) => format!("{}:{}:{}", file.path.display(), s.line, s.column),
            None => file.path.display().to_string(),
        })
    }

    /// Render as plain text (no colour), the form the tests pin. The
    /// message, label and notes are each one line ([`one_line`]): only the
    /// renderer starts lines.
    pub fn render(&self) -> String {
        let renderer = Renderer::plain();
        let notes_text: Vec<std::borrow::Cow<'_, str>> =
            self.notes.iter().map(|n| one_line(n)).collect();
        let mut notes: Vec<Group> = notes_text
            .iter()
            .map(|n| Group::with_title(Level::NOTE.secondary_title(n.as_ref())))
            .collect();
        let message = one_line(&self.message);
        let label = one_line(&self.label);
        let title = Level::ERROR.primary_title(message.as_ref());
        let main = match (&self.file, self.span) {
            (Some(file), Some(span)) => {
                let range = file.byte_range(span.line, span.column, span.len);
                let path = one_line(&file.path.display().to_string()).into_owned();
                let mut ann = AnnotationKind::Primary.span(range);
                if !label.is_empty() {
                    ann = ann.label(label.as_ref());
                }
                title.element(
                    Snippet::source(&*file.text)
                        .path(path)
                        .fold(true)
                        .annotation(ann),
                )
            }
            (Some(file), None) => {
                let mut g = Group::with_title(title);
                g = g.element(
                    Level::NOTE
                        .message(format!("in {}", one_line(&file.path.display().to_string()))),
                );
                let mut all = vec![g];
                all.append(&mut notes);
                return renderer.render(&all).to_string();
            }
            _ => Group::with_title(title),
        };
        let mut all = vec![main];
        all.append(&mut notes);
        renderer.render(&all).to_string()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// Everything that can go wrong in bloc, as a typed enum; the binary maps it
/// to an exit code in one place (`cli::exit_code`).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The scenario, world or command line is invalid; every problem found.
    #[error("{}", render_all(.0))]
    Invalid(Vec<Diagnostic>),
    /// A rule script failed while the simulation ran.
    #[error("{0}")]
    Script(Box<Diagnostic>),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn one(d: Diagnostic) -> Self {
        Error::Invalid(vec![d])
    }

    /// The diagnostics this error carries (empty for I/O errors).
    pub fn diagnostics(&self) -> Vec<&Diagnostic> {
        match self {
            Error::Invalid(ds) => ds.iter().collect(),
            Error::Script(d) => vec![d],
            Error::Io { .. } => vec![],
        }
    }
}

fn render_all(ds: &[Diagnostic]) -> String {
    let mut out = ds
        .iter()
        .map(Diagnostic::render)
        .collect::<Vec<_>>()
        .join("\n\n");
    if ds.len() > 1 {
        out.push_str(&format!("\n\nerror: {} problems found", ds.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_column_and_caret() {
        let f = SourceFile::new("s.yaml", "a: 1\nactor: IRNN\n");
        let d = Diagnostic::new("unknown actor `IRNN`")
            .at(&f, Span::new(2, 8, 4))
            .label("not an actor of the world");
        let text = d.render();
        assert!(text.contains("error: unknown actor `IRNN`"), "{text}");
        assert!(text.contains("--> s.yaml:2:8"), "{text}");
        assert!(text.contains("actor: IRNN"), "{text}");
        assert!(text.contains("^^^^ not an actor of the world"), "{text}");
    }

    #[test]
    fn terminal_safe_escapes_controls_and_bidi_overrides() {
        assert_eq!(terminal_safe("plain\ntext", true), "plain\ntext");
        assert_eq!(
            terminal_safe("a\u{1b}[31mb\u{202e}c\u{2066}d\ne", true),
            "a\\u{1b}[31mb\\u{202e}c\\u{2066}d\ne"
        );
        assert_eq!(terminal_safe("a\nb\rc", false), "a\\u{a}b\\u{d}c");
        // Bidi marks, separators and the zero-width no-break space too.
        assert_eq!(
            terminal_safe("a\u{200f}b\u{61c}c\u{2028}d\u{feff}", true),
            "a\\u{200f}b\\u{61c}c\\u{2028}d\\u{feff}"
        );
    }

    /// Issue 10: a multi-line text (a script's `throw`) cannot print lines
    /// of its own that look like a diagnostic's.
    #[test]
    fn messages_labels_and_notes_are_one_line_each() {
        let f = SourceFile::new("s.rhai", "throw x;\n");
        let fake = "boom\nerror: fake\n  --> other.rhai:1:1\r\tx";
        let d = Diagnostic::new(fake)
            .at(&f, Span::new(1, 1, 5))
            .label(fake)
            .note(fake);
        let text = d.render();
        assert!(
            text.lines()
                .all(|l| !l.trim_start().starts_with("--> other") && !l.starts_with("error: fake")),
            "{text}"
        );
        assert!(
            text.starts_with("error: boom\\nerror: fake\\n  --> other.rhai:1:1\\r\\tx\n"),
            "{text}"
        );
    }

    #[test]
    fn byte_range_handles_multibyte_characters() {
        let f = SourceFile::new("s.yaml", "é: ü\n");
        assert_eq!(f.byte_range(1, 4, 1), 4..6);
    }
}
