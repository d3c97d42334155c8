import Foundation
import Neural
import Files

/// A small SVG chart: panels stacked vertically, each with axes, ticks, lines, shaded
/// bands and a legend. Enough for `plot` and `diagnose`; no dependencies.
struct SVGChart {
    struct Line {
        var label: String?
        var points: [(x: Double, y: Double)]
        var color: String
        var dashed = false
        var width = 1.5
        /// Draw a dot at every point (for short series such as errors by step).
        var markers = false
    }

    struct Band {
        var points: [(x: Double, lower: Double, upper: Double)]
        var color: String
    }

    struct Panel {
        var title: String
        var xLabel: String
        var yLabel: String
        var lines: [Line] = []
        var bands: [Band] = []
        /// Labels for x ticks (default: the number).
        var xTickLabel: ((Double) -> String)?
        /// A log10 y axis (positive values only).
        var logY = false
        /// Whole-number x ticks (steps).
        var integerX = false
        /// The x axis spans the data exactly (ticks inside it), as for time axes.
        var tightX = false
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    var width = 880
    var panelHeight = 300
    var panels: [Panel]

    func rendered() -> String {
        let height = panels.count * (panelHeight + 40) + 10
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
            font-family="Helvetica, Arial, sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>

            """
        for (i, panel) in panels.enumerated() {
            out += render(panel, top: Double(i * (panelHeight + 40) + 30))
        }
        return out + "</svg>\n"
    }

    private func render(_ panel: Panel, top: Double) -> String {
        let left = 70.0, right = Double(width) - 150, bottom = top + Double(panelHeight) - 40
        func ty(_ y: Double) -> Double { panel.logY ? log10(y) : y }
        let xs = panel.lines.flatMap { $0.points.map(\.x) } + panel.bands.flatMap { $0.points.map(\.x) }
        let ys = (panel.lines.flatMap { $0.points.map(\.y) } + panel.bands.flatMap { $0.points.flatMap { [$0.lower, $0.upper] } })
            .filter { $0.isFinite && (!panel.logY || $0 > 0) }.map(ty)
        var svg = "<text x=\"\(left)\" y=\"\(top - 10)\" font-size=\"13\" font-weight=\"bold\">\(Self.escape(panel.title))</text>\n"
        guard let x0 = xs.min(), let x1 = xs.max(), let y0 = ys.min(), let y1 = ys.max() else {
            return svg + "<text x=\"\(left)\" y=\"\(top + 20)\">no data</text>\n"
        }
        let (yTicks, yLo, yHi) = panel.logY ? SVGChart.logTicks(y0, y1) : SVGChart.niceTicks(y0, y1)
        var (xTicks, xLo, xHi) = SVGChart.niceTicks(x0, x1, minimumStep: panel.integerX ? 1 : 0)
        if panel.tightX && x1 > x0 {
            (xLo, xHi) = (x0, x1)
            xTicks = xTicks.filter { $0 >= x0 && $0 <= x1 }
        }
        func px(_ x: Double) -> Double { left + (x - xLo) / max(xHi - xLo, 1e-300) * (right - left) }
        func py(_ y: Double) -> Double { bottom - (ty(y) - yLo) / max(yHi - yLo, 1e-300) * (bottom - top) }
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\" fill=\"none\" stroke=\"#999\"/>\n"
        for tick in yTicks {
            let y = bottom - (tick - yLo) / max(yHi - yLo, 1e-300) * (bottom - top)
            let label = panel.logY ? "1e\(Int(tick.rounded()))" : formatNumber(tick, digits: 4)
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(right))\" y2=\"\(f(y))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(f(left - 5))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(Self.escape(label))</text>\n"
        }
        for tick in xTicks {
            let x = px(tick)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(bottom))\" x2=\"\(f(x))\" y2=\"\(f(bottom + 4))\" stroke=\"#999\"/>"
            let label = panel.xTickLabel?(tick) ?? formatNumber(tick, digits: 6)
            svg += "<text x=\"\(f(x))\" y=\"\(f(bottom + 16))\" text-anchor=\"middle\">\(Self.escape(label))</text>\n"
        }
        svg += "<text x=\"\(f((left + right) / 2))\" y=\"\(f(bottom + 32))\" text-anchor=\"middle\">\(Self.escape(panel.xLabel))</text>\n"
        svg += "<text transform=\"translate(\(f(left - 52)),\(f((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(panel.yLabel))</text>\n"
        // An unbounded bound (an infinity, or non-positive on a log axis) reaches the edge.
        func edge(_ y: Double) -> Double {
            let v = py(y)
            return v.isNaN ? bottom : min(max(v, top), bottom)
        }
        for band in panel.bands where !band.points.isEmpty {
            let upper = band.points.map { "\(f(px($0.x))),\(f(edge($0.upper)))" }
            let lower = band.points.reversed().map { "\(f(px($0.x))),\(f(edge($0.lower)))" }
            svg += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(band.color)\" fill-opacity=\"0.18\" stroke=\"none\"/>\n"
        }
        for line in panel.lines {
            // NaN (or non-positive on a log axis) breaks the line.
            var segments: [[(x: String, y: String)]] = [[]]
            for p in line.points {
                if p.y.isFinite && (!panel.logY || p.y > 0) {
                    segments[segments.count - 1].append((f(px(p.x)), f(py(p.y))))
                } else if !segments[segments.count - 1].isEmpty {
                    segments.append([])
                }
            }
            let dash = line.dashed ? " stroke-dasharray=\"5,3\"" : ""
            for segment in segments where !segment.isEmpty {
                let points = segment.map { "\($0.x),\($0.y)" }.joined(separator: " ")
                svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"\(line.width)\"\(dash)/>\n"
                if line.markers {
                    for point in segment {
                        svg += "<circle cx=\"\(point.x)\" cy=\"\(point.y)\" r=\"2.5\" fill=\"\(line.color)\"/>"
                    }
                    svg += "\n"
                }
            }
        }
        var legendY = top + 6
        for line in panel.lines {
            guard let label = line.label else { continue }
            let dash = line.dashed ? " stroke-dasharray=\"5,3\"" : ""
            svg += "<line x1=\"\(f(right + 12))\" y1=\"\(f(legendY))\" x2=\"\(f(right + 32))\" y2=\"\(f(legendY))\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash)/>"
            svg += "<text x=\"\(f(right + 36))\" y=\"\(f(legendY + 4))\">\(Self.escape(label))</text>\n"
            legendY += 16
        }
        return svg
    }

    /// About five round ticks covering [lo, hi], and the axis range they span.
    static func niceTicks(_ lo: Double, _ hi: Double, minimumStep: Double = 0) -> ([Double], Double, Double) {
        var lo = lo, hi = hi
        if hi - lo < 1e-12 * max(abs(lo), 1) { lo -= 0.5 * max(abs(lo), 1); hi += 0.5 * max(abs(hi), 1) }
        let raw = (hi - lo) / 5, magnitude = pow(10, floor(log10(raw)))
        var step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        if minimumStep > 0 { step = max(minimumStep, step.rounded(.up)) }
        let first = floor(lo / step) * step, last = ceil(hi / step) * step
        let ticks = stride(from: first, through: last + step / 2, by: step).map { ($0 / step).rounded() * step }
        return (ticks, first, last)
    }

    /// Ticks at powers of ten over [lo, hi] (already log10).
    static func logTicks(_ lo: Double, _ hi: Double) -> ([Double], Double, Double) {
        let first = floor(lo), last = max(ceil(hi), first + 1)
        let every = max(1, Int((last - first) / 8))
        return (stride(from: first, through: last, by: Double(every)).map { $0 }, first, last)
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// `text` as XML character data or an attribute value: markup characters as entities;
    /// the characters XML 1.0 cannot hold even as references (C0 controls but tab, line feed
    /// and carriage return; U+FFFE, U+FFFF) as their `terminalSafe` escapes, so the document
    /// stays well-formed whatever a series is called.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += "&#\(scalar.value);"
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Writes a text output (an SVG) through `SafeFile`: exit 73 naming the path on failure.
func writeAtomically(_ text: String, to path: String) throws {
    try SafeFile.write(Array(text.utf8), to: path)
}
