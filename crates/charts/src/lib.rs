//! Charts for the analyst console: line charts drawn on the server as SVG (with
//! [plotters](https://docs.rs/plotters)), put inline in the page.
//!
//! - Readable without colour: each series has its own line (solid, dashed, dotted) and its
//!   own marker (filled circle, open triangle, filled square), and the legend shows both. The colours
//!   are dark and each has a contrast of at least 4.5:1 on white.
//! - Accessible: the `<svg>` is `role="img"` with the chart's title as its name. The numbers
//!   behind a chart are for the page to show as a table beside it; a chart never stands alone.
//! - Self-contained: no fonts, scripts or links. The text is SVG `<text>`, drawn by the
//!   browser, so no system font is read here.
//!
//! ```
//! use takeback_charts::{LineChart, Series, line_chart};
//!
//! let days = ["1 Dec".to_owned(), "2 Dec".to_owned(), "3 Dec".to_owned()];
//! let svg = line_chart(&LineChart {
//!     title: "Reports per day",
//!     x_labels: &days,
//!     y_label: "reports",
//!     series: &[Series { name: "Reports", values: &[Some(3.0), Some(5.0), None] }],
//! })
//! .unwrap();
//! assert!(svg.as_str().starts_with("<svg"));
//! ```

use plotters::coord::Shift;
use plotters::prelude::*;

/// A chart's width and height in SVG units; the page scales it to its column.
const SIZE: (u32, u32) = (720, 300);

/// The most series a chart tells apart (one style each).
pub const MAX_SERIES: usize = 3;

/// A line chart: one or more series over the same labelled x positions.
#[derive(Debug, Clone, Copy)]
pub struct LineChart<'a> {
    /// The chart's title: its accessible name, and the heading inside it.
    pub title: &'a str,
    /// One label per x position (a day, a week), left to right.
    pub x_labels: &'a [String],
    /// What the y axis counts ("reports", "hours").
    pub y_label: &'a str,
    /// The series, at most [`MAX_SERIES`]; each has one value per x label.
    pub series: &'a [Series<'a>],
}

/// One line of a chart.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    /// Its name in the legend.
    pub name: &'a str,
    /// One value per x label; `None` where there is none (the line breaks there).
    pub values: &'a [Option<f64>],
}

/// A drawn chart: an `<svg>` element to put in a page as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg(String);

impl Svg {
    /// The SVG markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SVG markup, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The chart has no x positions.
    #[error("the chart \"{0}\" has nothing to show: no x labels")]
    Empty(String),
    /// A series has more or fewer values than there are x labels.
    #[error("the series \"{series}\" has {values} values for {labels} x labels")]
    Length {
        /// The series.
        series: String,
        /// Its values.
        values: usize,
        /// The chart's x labels.
        labels: usize,
    },
    /// More series than the chart has styles to tell apart.
    #[error("a chart shows at most {MAX_SERIES} series, not {0}")]
    TooManySeries(usize),
    /// A value is not a finite number.
    #[error("the series \"{0}\" has a value that is not a finite number")]
    NotFinite(String),
    /// plotters failed.
    #[error("the chart could not be drawn: {0}")]
    Drawing(String),
}

/// How one series looks: the line's dash and the marker, both telling it apart without
/// colour, and a colour as well.
#[derive(Debug, Clone, Copy)]
struct Look {
    color: RGBColor,
    /// `None` for a solid line; else (dash, gap) in SVG units.
    dash: Option<(u32, u32)>,
    marker: Marker,
}

#[derive(Debug, Clone, Copy)]
enum Marker {
    FilledCircle,
    OpenTriangle,
    FilledSquare,
}

/// Dark blue, dark orange and near-black: each above 4.5:1 on white, and told apart by
/// their dashes and markers anyway.
const LOOKS: [Look; MAX_SERIES] = [
    Look {
        color: RGBColor(0x1f, 0x4e, 0x79),
        dash: None,
        marker: Marker::FilledCircle,
    },
    Look {
        color: RGBColor(0x8a, 0x4b, 0x08),
        dash: Some((10, 6)),
        marker: Marker::OpenTriangle,
    },
    Look {
        color: RGBColor(0x22, 0x22, 0x22),
        dash: Some((2, 4)),
        marker: Marker::FilledSquare,
    },
];

const AXIS_COLOR: RGBColor = RGBColor(0x33, 0x33, 0x33);
const GRID_COLOR: RGBColor = RGBColor(0xdd, 0xdd, 0xdd);

/// Draws `chart` as an SVG element.
pub fn line_chart(chart: &LineChart<'_>) -> Result<Svg, ChartError> {
    check(chart)?;
    let mut markup = String::new();
    {
        let root = SVGBackend::with_string(&mut markup, SIZE).into_drawing_area();
        draw(&root, chart).map_err(|error| ChartError::Drawing(error.to_string()))?;
        root.present()
            .map_err(|error| ChartError::Drawing(error.to_string()))?;
    }
    Ok(Svg(accessible(&markup, chart.title)))
}

fn check(chart: &LineChart<'_>) -> Result<(), ChartError> {
    if chart.x_labels.is_empty() {
        return Err(ChartError::Empty(chart.title.to_owned()));
    }
    if chart.series.len() > MAX_SERIES {
        return Err(ChartError::TooManySeries(chart.series.len()));
    }
    for series in chart.series {
        if series.values.len() != chart.x_labels.len() {
            return Err(ChartError::Length {
                series: series.name.to_owned(),
                values: series.values.len(),
                labels: chart.x_labels.len(),
            });
        }
        if series
            .values
            .iter()
            .flatten()
            .any(|value| !value.is_finite())
        {
            return Err(ChartError::NotFinite(series.name.to_owned()));
        }
    }
    Ok(())
}

type Drawn<'a> = Result<(), DrawingAreaErrorKind<<SVGBackend<'a> as DrawingBackend>::ErrorType>>;

fn draw<'a>(root: &DrawingArea<SVGBackend<'a>, Shift>, chart: &LineChart<'_>) -> Drawn<'a> {
    root.fill(&WHITE)?;
    let last = i32::try_from(chart.x_labels.len() - 1).unwrap_or(i32::MAX);
    let highest = chart
        .series
        .iter()
        .flat_map(|series| series.values.iter().flatten())
        .fold(0.0_f64, |highest, value| highest.max(*value));
    // Room above the highest point for the legend, and an axis when every value is 0.
    let top = if highest > 0.0 { highest * 1.4 } else { 1.0 };
    let mut context = ChartBuilder::on(root)
        .caption(
            chart.title,
            ("sans-serif", 18).into_font().color(&AXIS_COLOR),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        // A single x position still gets an axis of some width.
        .build_cartesian_2d(0..last.max(1), 0.0..top)?;
    let label = |index: &i32| {
        usize::try_from(*index)
            .ok()
            .and_then(|index| chart.x_labels.get(index))
            .cloned()
            .unwrap_or_default()
    };
    // Counts are labelled with whole numbers only (no "0.5 reports").
    let counts = chart
        .series
        .iter()
        .flat_map(|series| series.values.iter().flatten())
        .all(|value| value.fract() == 0.0);
    let y_label = |value: &f64| {
        if (value - value.round()).abs() < 1e-9 {
            format!("{value:.0}")
        } else if counts {
            String::new()
        } else {
            format!("{value:.1}")
        }
    };
    context
        .configure_mesh()
        .x_labels(chart.x_labels.len().min(8))
        .x_label_formatter(&label)
        .y_labels(6)
        .y_label_formatter(&y_label)
        .y_desc(chart.y_label)
        .axis_style(AXIS_COLOR)
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID_COLOR)
        .label_style(("sans-serif", 13).into_font().color(&AXIS_COLOR))
        .axis_desc_style(("sans-serif", 13).into_font().color(&AXIS_COLOR))
        .draw()?;

    for (series, look) in chart.series.iter().zip(LOOKS) {
        let points: Vec<(i32, Option<f64>)> =
            (0..=last).zip(series.values.iter().copied()).collect();
        let line = ShapeStyle::from(&look.color).stroke_width(2);
        // The line breaks where a value is missing.
        for run in points.split(|(_, value)| value.is_none()) {
            let run: Vec<(i32, f64)> = run
                .iter()
                .filter_map(|(x, value)| value.map(|value| (*x, value)))
                .collect();
            match look.dash {
                None => {
                    context.draw_series(LineSeries::new(run.iter().copied(), line))?;
                }
                Some((dash, gap)) => {
                    context.draw_series(DashedLineSeries::new(
                        run.iter().copied(),
                        dash,
                        gap,
                        line,
                    ))?;
                }
            }
        }
        let present: Vec<(i32, f64)> = points
            .iter()
            .filter_map(|(x, value)| value.map(|value| (*x, value)))
            .collect();
        let (shape, fill) = marker(look);
        let outline = ShapeStyle::from(&look.color).stroke_width(2);
        context
            .draw_series(present.iter().map(|point| {
                // Offsets from the point, in SVG units.
                EmptyElement::at(*point)
                    + Polygon::new(shape.clone(), fill)
                    + PathElement::new(closed_shape(look), outline)
            }))?
            .label(series.name)
            .legend(move |at| {
                // A short line with the marker on it; offsets from the legend entry.
                let moved = |points: Vec<(i32, i32)>| -> Vec<(i32, i32)> {
                    points.into_iter().map(|(dx, dy)| (10 + dx, dy)).collect()
                };
                EmptyElement::at(at)
                    + PathElement::new(vec![(-2, 0), (22, 0)], line)
                    + Polygon::new(moved(marker(look).0), fill)
                    + PathElement::new(moved(closed_shape(look)), outline)
            });
    }
    if !chart.series.is_empty() {
        context
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.9))
            .border_style(AXIS_COLOR)
            .label_font(("sans-serif", 13).into_font().color(&AXIS_COLOR))
            .draw()?;
    }
    Ok(())
}

/// A series' marker around (0, 0), in SVG units, and its fill: a filled circle (an
/// octagon at this size), an open triangle or a filled square.
fn marker(look: Look) -> (Vec<(i32, i32)>, ShapeStyle) {
    match look.marker {
        Marker::FilledCircle => (
            vec![
                (-2, -4),
                (2, -4),
                (4, -2),
                (4, 2),
                (2, 4),
                (-2, 4),
                (-4, 2),
                (-4, -2),
            ],
            look.color.filled(),
        ),
        Marker::OpenTriangle => (vec![(0, -6), (-5, 4), (5, 4)], WHITE.filled()),
        Marker::FilledSquare => (
            vec![(-4, -4), (4, -4), (4, 4), (-4, 4)],
            look.color.filled(),
        ),
    }
}

/// A marker's outline, closed.
fn closed_shape(look: Look) -> Vec<(i32, i32)> {
    let mut shape = marker(look).0;
    shape.extend(shape.first().copied());
    shape
}

/// Gives the `<svg>` its accessible name and lets the page size it: plotters writes a fixed
/// width and height, and nothing for assistive technology.
fn accessible(markup: &str, title: &str) -> String {
    let title = escape(title);
    let body = markup
        .split_once('>')
        .map(|(_, body)| body)
        .unwrap_or_default();
    format!(
        "<svg viewBox=\"0 0 {} {}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" \
         aria-label=\"{title}\" class=\"chart\" focusable=\"false\"><title>{title}</title>{body}",
        SIZE.0, SIZE.1
    )
}

/// Escapes text for an XML attribute or element.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize) -> Vec<String> {
        (1..=n).map(|day| format!("{day} Dec")).collect()
    }

    #[test]
    fn a_chart_is_one_accessible_svg_element() -> Result<(), ChartError> {
        let x = labels(3);
        let svg = line_chart(&LineChart {
            title: "Reports & removals <per day>",
            x_labels: &x,
            y_label: "reports",
            series: &[
                Series {
                    name: "Reports",
                    values: &[Some(1.0), Some(4.0), Some(2.0)],
                },
                Series {
                    name: "Removed",
                    values: &[None, Some(1.0), Some(0.0)],
                },
            ],
        })?;
        let svg = svg.as_str();
        assert!(svg.starts_with("<svg viewBox=\"0 0 720 300\""), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"), "{svg}");
        assert_eq!(svg.matches("<svg").count(), 1);
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-label=\"Reports &amp; removals &lt;per day&gt;\""));
        assert!(svg.contains("<title>Reports &amp; removals &lt;per day&gt;</title>"));
        // No fixed size: the page sizes it.
        let opening = &svg[..svg.find('>').unwrap_or_default()];
        assert!(!opening.contains("width="), "{opening}");
        // The legend names each series; the x axis shows the labels.
        assert!(
            svg.contains("Reports\n") && svg.contains("Removed\n"),
            "{svg}"
        );
        assert!(svg.contains("2 Dec"));
        // Nothing that loads from elsewhere.
        for loads in ["href", "<image", "<script", "url("] {
            assert!(!svg.contains(loads), "{loads} in {svg}");
        }
        Ok(())
    }

    #[test]
    fn series_are_told_apart_by_dash_and_marker() -> Result<(), ChartError> {
        let x = labels(4);
        let values = [Some(1.0), Some(2.0), Some(3.0), Some(2.0)];
        let one = line_chart(&LineChart {
            title: "One",
            x_labels: &x,
            y_label: "n",
            series: &[Series {
                name: "a",
                values: &values,
            }],
        })?;
        let three = line_chart(&LineChart {
            title: "Three",
            x_labels: &x,
            y_label: "n",
            series: &[
                Series {
                    name: "a",
                    values: &values,
                },
                Series {
                    name: "b",
                    values: &values,
                },
                Series {
                    name: "c",
                    values: &values,
                },
            ],
        })?;
        // Each series its own marker shape (octagon, triangle, square) and line.
        let polygons = |svg: &Svg| svg.as_str().matches("<polygon").count();
        assert!(polygons(&three) > polygons(&one));
        assert!(
            three.as_str().contains("fill=\"#FFFFFF\""),
            "the open triangle"
        );
        assert!(
            three.as_str().matches("<polyline").count() > one.as_str().matches("<polyline").count()
        );
        Ok(())
    }

    #[test]
    fn all_zero_and_all_missing_series_still_draw() -> Result<(), ChartError> {
        let x = labels(30);
        let zeros = vec![Some(0.0); 30];
        let missing = vec![None; 30];
        for values in [&zeros, &missing] {
            let svg = line_chart(&LineChart {
                title: "Quiet month",
                x_labels: &x,
                y_label: "reports",
                series: &[Series {
                    name: "Reports",
                    values,
                }],
            })?;
            assert!(svg.as_str().contains("Quiet month"));
        }
        // One x position only.
        let one = labels(1);
        line_chart(&LineChart {
            title: "One day",
            x_labels: &one,
            y_label: "reports",
            series: &[Series {
                name: "Reports",
                values: &[Some(2.0)],
            }],
        })?;
        Ok(())
    }

    #[test]
    fn bad_charts_are_refused() {
        let x = labels(2);
        let chart = |x_labels: &[String], series: &[Series<'_>]| {
            line_chart(&LineChart {
                title: "t",
                x_labels,
                y_label: "n",
                series,
            })
        };
        assert!(matches!(chart(&[], &[]), Err(ChartError::Empty(_))));
        assert!(matches!(
            chart(
                &x,
                &[Series {
                    name: "short",
                    values: &[Some(1.0)],
                }]
            ),
            Err(ChartError::Length {
                values: 1,
                labels: 2,
                ..
            })
        ));
        assert!(matches!(
            chart(
                &x,
                &[Series {
                    name: "nan",
                    values: &[Some(f64::NAN), None],
                }]
            ),
            Err(ChartError::NotFinite(_))
        ));
        let values = [None, None];
        let four = [Series {
            name: "s",
            values: &values,
        }; 4];
        assert!(matches!(
            chart(&x, &four),
            Err(ChartError::TooManySeries(4))
        ));
    }
}
