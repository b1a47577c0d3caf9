//! Small inline SVG charts for the HTML report: a stacked share bar, bars
//! against thresholds, a network of nodes and edges on a circle, and a line
//! chart. Plain strings, no dependency: the report needs four simple shapes,
//! every one drawn the same on any viewer, and each is tested here. All text
//! goes through [`esc`], since labels come from scenarios and scripts.

use std::fmt::Write as _;

/// Text made safe inside HTML or SVG, as element content or a quoted
/// attribute: `& < > " '` escaped, control characters (which XML forbids
/// and a terminal would act on) replaced by U+FFFD, bidi controls shown as
/// `\u{202e}`.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{fffd}'),
            // Bidi controls and invisible separators, which can reorder
            // what a reader sees: shown as their code point.
            '\u{200e}'
            | '\u{200f}'
            | '\u{061c}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{feff}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A number for a coordinate: two decimals, never NaN or infinite.
fn n(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn open(w: f64, h: f64, title: &str) -> String {
    format!(
        "<svg viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\" font-family=\"sans-serif\" font-size=\"15\">\n<title>{}</title>\n",
        n(w),
        n(h),
        n(w),
        n(h),
        esc(title),
        esc(title)
    )
}

/// One segment of a share bar.
pub struct Segment<'a> {
    pub label: &'a str,
    pub share: f64,
    pub color: &'a str,
}

/// A horizontal bar of shares adding up to at most 1, each segment labelled
/// inside when it is wide enough, with a legend under it.
pub fn share_bar(title: &str, segments: &[Segment]) -> String {
    let (w, bar_h, x0) = (640.0, 34.0, 10.0);
    let inner = w - 2.0 * x0;
    let mut s = open(w, bar_h + 40.0, title);
    let mut x = x0;
    for seg in segments {
        let share = seg.share.clamp(0.0, 1.0);
        let sw = inner * share;
        if sw <= 0.0 {
            continue;
        }
        let _ = writeln!(
            s,
            "<rect x=\"{}\" y=\"4\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: {:.1}%</title></rect>",
            n(x),
            n(sw),
            n(bar_h),
            esc(seg.color),
            esc(seg.label),
            100.0 * share
        );
        if sw > 70.0 {
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#fff\" font-weight=\"bold\">{:.0}%</text>",
                n(x + sw / 2.0),
                n(4.0 + bar_h / 2.0 + 5.0),
                100.0 * share
            );
        }
        x += sw;
    }
    let _ = writeln!(
        s,
        "<rect x=\"{}\" y=\"4\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>",
        n(x0),
        n(inner),
        n(bar_h)
    );
    let mut lx = x0;
    for seg in segments {
        let _ = writeln!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{} {:.1}%</text>",
            n(lx),
            n(bar_h + 16.0),
            esc(seg.color),
            n(lx + 19.0),
            n(bar_h + 28.0),
            esc(seg.label),
            100.0 * seg.share
        );
        lx += 150.0;
    }
    s.push_str("</svg>\n");
    s
}

/// One bar of [`threshold_bars`]: a value in [0, 1] (or none: not tested)
/// and the threshold it is tested against (if any).
pub struct Bar<'a> {
    pub label: &'a str,
    pub value: Option<f64>,
    pub threshold: Option<f64>,
}

/// Horizontal bars on a 0–1 scale, each with its threshold as a black
/// tick; a bar at or past its threshold is dark, below it light; an
/// untested one says so.
pub fn threshold_bars(title: &str, bars: &[Bar]) -> String {
    let (w, row, label_w, x1) = (640.0, 30.0, 210.0, 580.0);
    let h = 30.0 + row * bars.len() as f64;
    let scale = x1 - label_w;
    let mut s = open(w, h, title);
    for (i, t) in [0.0, 0.25, 0.5, 0.75, 1.0].iter().enumerate() {
        let x = label_w + scale * t;
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"4\" x2=\"{}\" y2=\"{}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#555\">{}</text>",
            n(x),
            n(x),
            n(h - 18.0),
            n(x),
            n(h - 4.0),
            ["0", "0.25", "0.5", "0.75", "1"][i]
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let y = 6.0 + row * i as f64;
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            n(label_w - 8.0),
            n(y + 17.0),
            esc(b.label)
        );
        match b.value {
            Some(v) => {
                let v = v.clamp(0.0, 1.0);
                let pass = b.threshold.is_none_or(|t| v >= t);
                let _ = writeln!(
                    s,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"20\" fill=\"{}\"><title>{}: {v:.2}</title></rect><text x=\"{}\" y=\"{}\" font-size=\"13\">{v:.2}</text>",
                    n(label_w),
                    n(y + 3.0),
                    n(scale * v),
                    if pass { "#0072b2" } else { "#9ecae1" },
                    esc(b.label),
                    n(label_w + scale * v + 4.0),
                    n(y + 18.0),
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "<text x=\"{}\" y=\"{}\" font-style=\"italic\" fill=\"#666\">not tested</text>",
                    n(label_w + 4.0),
                    n(y + 17.0)
                );
            }
        }
        if let Some(t) = b.threshold {
            let x = label_w + scale * t.clamp(0.0, 1.0);
            let _ = writeln!(
                s,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#000\" stroke-width=\"3\"><title>threshold {t:.2}</title></line>",
                n(x),
                n(y),
                n(x),
                n(y + 26.0)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

/// A node of a network: a state (circle) or an organization (square).
pub struct Node {
    pub label: String,
    pub org: bool,
    pub color: String,
}

/// How an edge is drawn.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Solid, undirected.
    Solid,
    /// Dashed, undirected.
    Dashed,
    /// Solid with an arrow head at `to`.
    Arrow,
}

pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// Stroke width in pixels.
    pub width: f64,
    pub color: String,
    pub line: Line,
    /// Shown on hover (an SVG `<title>`) and, when short, at the middle.
    pub title: String,
    pub label: Option<String>,
}

/// Nodes on a circle (states outside, organizations on an inner circle at
/// the angle their order gives), edges as lines or slightly bent arrows (so
/// A→B and B→A stay apart), with a legend of `(color, line, text)` below.
pub fn network(
    title: &str,
    nodes: &[Node],
    edges: &[Edge],
    legend: &[(&str, Line, &str)],
) -> String {
    let size = 720.0;
    let legend_h = 26.0 * legend.len() as f64 + 10.0;
    let mut s = open(size, size + legend_h, title);
    s.push_str("<defs>");
    // One arrow head per colour in use: an SVG marker takes no stroke colour from its line.
    let mut colors: Vec<&str> = edges
        .iter()
        .filter(|e| e.line == Line::Arrow)
        .map(|e| e.color.as_str())
        .collect();
    colors.sort_unstable();
    colors.dedup();
    // A page holds several networks: a marker's id names its colour, so two
    // networks' markers of one colour are the same marker.
    let marker_id = |c: &str| -> String {
        let tag: String = c.chars().filter(|x| x.is_ascii_alphanumeric()).collect();
        format!("arrow-{tag}")
    };
    for c in &colors {
        let _ = write!(
            s,
            "<marker id=\"{}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{}\"/></marker>",
            esc(&marker_id(c)),
            esc(c)
        );
    }
    s.push_str("</defs>\n");
    let pos = layout(nodes, edges, size);
    let radius = |i: usize| if nodes[i].org { 24.0 } else { 21.0 };
    for e in edges {
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(e.from), pos.get(e.to)) else {
            continue;
        };
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 1.0 {
            continue;
        }
        let (ux, uy) = (dx / len, dy / len);
        // Start and end at the nodes' rims.
        let (ax, ay) = (x1 + ux * radius(e.from), y1 + uy * radius(e.from));
        let (bx, by) = (x2 - ux * radius(e.to), y2 - uy * radius(e.to));
        let dash = if e.line == Line::Dashed {
            " stroke-dasharray=\"7 5\""
        } else {
            ""
        };
        let (d, mx, my) = if e.line == Line::Arrow {
            // Bend to the right of the direction of travel.
            let bend = 0.12 * len;
            let (qx, qy) = ((ax + bx) / 2.0 - uy * bend, (ay + by) / 2.0 + ux * bend);
            (
                format!(
                    "M{},{} Q{},{} {},{}",
                    n(ax),
                    n(ay),
                    n(qx),
                    n(qy),
                    n(bx),
                    n(by)
                ),
                (ax + 2.0 * qx + bx) / 4.0,
                (ay + 2.0 * qy + by) / 4.0,
            )
        } else {
            (
                format!("M{},{} L{},{}", n(ax), n(ay), n(bx), n(by)),
                (ax + bx) / 2.0,
                (ay + by) / 2.0,
            )
        };
        let marker = if e.line == Line::Arrow {
            format!(" marker-end=\"url(#{})\"", esc(&marker_id(&e.color)))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" stroke-opacity=\"0.8\"{dash}{marker}><title>{}</title></path>",
            esc(&e.color),
            n(e.width.clamp(0.5, 12.0)),
            esc(&e.title)
        );
        if let Some(l) = &e.label {
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
                n(mx),
                n(my + 4.0),
                esc(l)
            );
        }
    }
    for (i, x) in nodes.iter().enumerate() {
        let (px, py) = pos[i];
        if x.org {
            let _ = writeln!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"48\" height=\"48\" rx=\"6\" fill=\"{}\" stroke=\"#222\"/>",
                n(px - 24.0),
                n(py - 24.0),
                esc(&x.color)
            );
        } else {
            let _ = writeln!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"21\" fill=\"{}\" stroke=\"#222\"/>",
                n(px),
                n(py),
                esc(&x.color)
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{}</text>",
            n(px),
            n(py + 5.0),
            esc(&x.label)
        );
    }
    for (i, (color, line, text)) in legend.iter().enumerate() {
        let y = size + 18.0 + 26.0 * i as f64;
        let dash = if *line == Line::Dashed {
            " stroke-dasharray=\"7 5\""
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "<line x1=\"20\" y1=\"{}\" x2=\"70\" y2=\"{}\" stroke=\"{}\" stroke-width=\"3\"{dash}/><text x=\"80\" y=\"{}\">{}</text>",
            n(y - 5.0),
            n(y - 5.0),
            esc(color),
            n(y),
            esc(text)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Where the nodes of [`network`] go: states evenly on an outer circle in
/// the order given; organizations evenly on an inner circle, in the order of
/// the angle of the states they are linked to (so an organization faces its
/// members), the circle turned so the first sits at its members' angle.
fn layout(nodes: &[Node], edges: &[Edge], size: f64) -> Vec<(f64, f64)> {
    use std::f64::consts::{FRAC_PI_2, TAU};
    let (cx, cy) = (size / 2.0, size / 2.0);
    let at = |r: f64, a: f64| (cx + r * a.cos(), cy + r * a.sin());
    let states = nodes.iter().filter(|x| !x.org).count().max(1) as f64;
    let mut pos = vec![(cx, cy); nodes.len()];
    let mut k = 0.0;
    for (i, x) in nodes.iter().enumerate() {
        if !x.org {
            pos[i] = at(size * 0.40, TAU * k / states - FRAC_PI_2);
            k += 1.0;
        }
    }
    // Each organization's angle: that of the mean position of its states.
    let mut orgs: Vec<(usize, f64)> = vec![];
    for (i, x) in nodes.iter().enumerate().filter(|(_, x)| x.org) {
        let _ = x;
        let linked: Vec<(f64, f64)> = edges
            .iter()
            .filter_map(|e| match (e.from == i, e.to == i) {
                (true, false) => nodes.get(e.to).filter(|x| !x.org).map(|_| pos[e.to]),
                (false, true) => nodes.get(e.from).filter(|x| !x.org).map(|_| pos[e.from]),
                _ => None,
            })
            .collect();
        let m = linked.len().max(1) as f64;
        let (sx, sy) = linked
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x - cx, b + y - cy));
        orgs.push((i, (sy / m).atan2(sx / m)));
    }
    orgs.sort_by(|a, b| a.1.total_cmp(&b.1));
    let count = orgs.len().max(1) as f64;
    let start = orgs.first().map_or(0.0, |o| o.1);
    for (k, (i, _)) in orgs.iter().enumerate() {
        pos[*i] = at(size * 0.18, start + TAU * k as f64 / count);
    }
    pos
}

/// A line of [`line_chart`].
pub struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub points: Vec<(f64, f64)>,
}

/// Shares (0–1) over a parameter: one line with dots per series, axes
/// with ticks, the x axis named `x_label`, a legend on the right.
pub fn line_chart(title: &str, x_label: &str, series: &[Series]) -> String {
    let (w, h) = (720.0, 360.0);
    let (l, r, t, b) = (60.0, 540.0, 15.0, 300.0);
    let xs: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .filter(|x| x.is_finite())
        .collect();
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if lo.is_finite() && hi > lo {
        (lo, hi)
    } else if lo.is_finite() {
        (lo - 0.5, lo + 0.5)
    } else {
        (0.0, 1.0)
    };
    let px = |x: f64| l + (r - l) * (x - lo) / (hi - lo);
    let py = |y: f64| b - (b - t) * y.clamp(0.0, 1.0);
    let mut s = open(w, h, title);
    for k in 0..=4 {
        let y = k as f64 / 4.0;
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}%</text>",
            n(l),
            n(py(y)),
            n(r),
            n(py(y)),
            n(l - 6.0),
            n(py(y) + 4.0),
            25 * k
        );
    }
    for k in 0..=4 {
        let x = lo + (hi - lo) * k as f64 / 4.0;
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">{}</text>",
            n(px(x)),
            n(b),
            n(px(x)),
            n(b + 5.0),
            n(px(x)),
            n(b + 19.0),
            n((x * 1000.0).round() / 1000.0)
        );
    }
    let _ = writeln!(
        s,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        n(l),
        n(b),
        n(r),
        n(b),
        n(l),
        n(t),
        n(l),
        n(b),
        n((l + r) / 2.0),
        n(b + 42.0),
        esc(x_label)
    );
    for (i, se) in series.iter().enumerate() {
        let mut pts: Vec<(f64, f64)> = se
            .points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let path = pts
            .iter()
            .map(|(x, y)| format!("{},{}", n(px(*x)), n(py(*y))))
            .collect::<Vec<_>>()
            .join(" ");
        let _ = writeln!(
            s,
            "<polyline points=\"{path}\" fill=\"none\" stroke=\"{}\" stroke-width=\"3\"><title>{}</title></polyline>",
            esc(se.color),
            esc(se.name)
        );
        for (x, y) in &pts {
            let _ = writeln!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"><title>{}: {} at {}</title></circle>",
                n(px(*x)),
                n(py(*y)),
                esc(se.color),
                esc(se.name),
                n(100.0 * y),
                n(*x)
            );
        }
        let ly = t + 10.0 + 24.0 * i as f64;
        let _ = writeln!(
            s,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"3\"/><text x=\"{}\" y=\"{}\">{}</text>",
            n(r + 15.0),
            n(ly),
            n(r + 45.0),
            n(ly),
            esc(se.color),
            n(r + 52.0),
            n(ly + 5.0),
            esc(se.name)
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every tag opened is closed (or self-closed), in order.
    fn balanced(svg: &str) -> bool {
        let mut stack: Vec<String> = vec![];
        let mut rest = svg;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let end = rest.find('>').expect("a tag ends");
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                if stack.pop().as_deref() != Some(name) {
                    return false;
                }
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap_or("");
                stack.push(name.to_string());
            }
        }
        stack.is_empty()
    }

    #[test]
    fn esc_escapes_markup_and_controls() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\"\u{1b}[31m"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\u{fffd}[31m"
        );
    }

    #[test]
    fn numbers_are_short_and_finite() {
        assert_eq!(n(1.0), "1");
        assert_eq!(n(0.126), "0.13");
        assert_eq!(n(f64::NAN), "0");
        assert_eq!(n(-2.5), "-2.5");
    }

    #[test]
    fn share_bar_labels_wide_segments_and_lists_all() {
        let svg = share_bar(
            "SCO <verdict>",
            &[
                Segment {
                    label: "alliance",
                    share: 0.0,
                    color: "#d55e00",
                },
                Segment {
                    label: "alignment",
                    share: 0.97,
                    color: "#e69f00",
                },
                Segment {
                    label: "partnership",
                    share: 0.03,
                    color: "#0072b2",
                },
            ],
        );
        assert!(balanced(&svg), "{svg}");
        assert!(svg.contains("SCO &lt;verdict&gt;"));
        assert!(svg.contains(">97%</text>"));
        assert!(svg.contains("alliance 0.0%") && svg.contains("partnership 3.0%"));
        // A zero share draws no segment.
        assert_eq!(svg.matches("<title>alliance").count(), 0);
    }

    #[test]
    fn threshold_bars_mark_pass_fail_and_untested() {
        let svg = threshold_bars(
            "indicators",
            &[
                Bar {
                    label: "formal commitment",
                    value: Some(0.4),
                    threshold: Some(0.9),
                },
                Bar {
                    label: "alignment",
                    value: Some(0.8),
                    threshold: Some(0.45),
                },
                Bar {
                    label: "casus foederis",
                    value: None,
                    threshold: Some(0.5),
                },
            ],
        );
        assert!(balanced(&svg), "{svg}");
        assert!(svg.contains("#9ecae1"), "below its threshold: light");
        assert!(svg.contains("#0072b2"), "past its threshold: dark");
        assert!(svg.contains("not tested"));
        assert_eq!(svg.matches("threshold 0.").count(), 3);
    }

    #[test]
    fn network_draws_nodes_edges_arrows_and_skips_bad_indices() {
        let nodes = vec![
            Node {
                label: "RUS".into(),
                org: false,
                color: "#fff".into(),
            },
            Node {
                label: "CHN".into(),
                org: false,
                color: "#fff".into(),
            },
            Node {
                label: "S<C>O".into(),
                org: true,
                color: "#eee".into(),
            },
        ];
        let edges = vec![
            Edge {
                from: 0,
                to: 1,
                width: 3.0,
                color: "#c00".into(),
                line: Line::Arrow,
                title: "RUS backed CHN".into(),
                label: Some("90%".into()),
            },
            Edge {
                from: 0,
                to: 2,
                width: 1.0,
                color: "#888".into(),
                line: Line::Dashed,
                title: "member".into(),
                label: None,
            },
            Edge {
                from: 0,
                to: 9,
                width: 1.0,
                color: "#888".into(),
                line: Line::Solid,
                title: "nobody".into(),
                label: None,
            },
        ];
        let svg = network("world", &nodes, &edges, &[("#c00", Line::Arrow, "backed")]);
        assert!(balanced(&svg), "{svg}");
        assert_eq!(svg.matches("<circle").count(), 2);
        assert_eq!(svg.matches("<rect").count(), 1);
        assert!(svg.contains("S&lt;C&gt;O"));
        assert!(svg.contains("marker-end=\"url(#arrow-"));
        assert_eq!(esc("a\u{202e}b"), "a\\u{202e}b");
        assert!(svg.contains("stroke-dasharray"));
        assert!(!svg.contains("nobody"));
    }

    #[test]
    fn line_chart_plots_sorted_points_within_the_frame() {
        let svg = line_chart(
            "sweep",
            "relations.RUS.USA.threat",
            &[Series {
                name: "SCO alliance",
                color: "#d55e00",
                points: vec![(0.9, 1.0), (0.4, 0.0), (0.65, 0.5)],
            }],
        );
        assert!(balanced(&svg), "{svg}");
        // Sorted by x: from (60, 300) through the middle to (540, 15).
        assert!(svg.contains("points=\"60,300 300,157.5 540,15\""), "{svg}");
        assert_eq!(svg.matches("<circle").count(), 3);
        // One point only: a chart all the same, centred.
        let one = line_chart(
            "one",
            "x",
            &[Series {
                name: "a",
                color: "#000",
                points: vec![(2.0, 0.5)],
            }],
        );
        assert!(one.contains("points=\"300,157.5\""), "{one}");
    }
}
