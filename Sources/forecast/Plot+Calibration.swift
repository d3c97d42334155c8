import Storage

extension Plot {
    /// The calibration picture of a backtest (`--calibration`): above, each probabilistic
    /// model's empirical coverage against the nominal coverage of its intervals (a model on
    /// the diagonal is calibrated; below it, its intervals are too narrow); below, the
    /// coverage of each interval by horizon step with the nominal levels dashed. A panel's
    /// run draws the mean over its series unless --series names one.
    func plotCalibration(_ run: Store.RunRow, of store: Store) throws {
        let metrics = try store.metrics(run: run.id)
        let aggregate = series == nil && metrics.contains { $0.series == nil }
        let name = aggregate ? nil : series ?? metrics.first?.series
        func level(_ row: Store.MetricRow) -> Double { Double(row.metric.dropFirst("coverage_".count)) ?? .nan }
        // Levels as this tool writes them, in (0, 1): anything else in a store is passed over.
        let rows = metrics.filter { row in
            row.series == name && row.metric.hasPrefix("coverage_") && row.value.map(\.isFinite) == true && level(row) > 0 && level(row) < 1
        }
        var modelNames: [String] = []
        for row in rows where !modelNames.contains(row.model) { modelNames.append(row.model) }
        if let models { modelNames = modelNames.filter(models.contains) }
        guard !modelNames.isEmpty else {
            let which = name.map { " of series \"\($0)\"" } ?? ""
            throw CommandError(message: "\(db): run \(run.id) has no interval coverage\(which) to draw (backtest with --quantiles, --gaussian or --conformal)",
                               code: ExitStatus.usage)
        }
        let levels = Set(rows.map(level)).sorted()
        let over = aggregate ? ", the mean over \(Set(metrics.compactMap(\.series)).count) series" : name.map { " (\($0))" } ?? ""
        var top = SVGChart.Panel(title: "Empirical against nominal coverage, run \(run.id)\(over)", xLabel: "nominal coverage",
                                 yLabel: "share of actuals inside")
        let low = max(0, (levels.first ?? 0.5) - 0.1), high = min(1, (levels.last ?? 0.9) + 0.05)
        top.lines.append(SVGChart.Line(label: "nominal", points: [(low, low), (high, high)], color: "#888", dashed: true, width: 1))
        var bottom = SVGChart.Panel(title: "Coverage by horizon step", xLabel: "step h", yLabel: "coverage")
        bottom.integerX = true
        let steps = rows.compactMap(\.step)
        for c in levels {
            bottom.lines.append(SVGChart.Line(label: levels.count > 1 ? nil : "nominal",
                                              points: [(Double(steps.min() ?? 1), c), (Double(steps.max() ?? 1), c)],
                                              color: "#888", dashed: true, width: 1))
        }
        for (m, model) in modelNames.enumerated() {
            let color = SVGChart.palette[m % SVGChart.palette.count]
            let overall = rows.filter { $0.model == model && $0.step == nil }.sorted { level($0) < level($1) }
            top.lines.append(SVGChart.Line(label: model, points: overall.map { (level($0), $0.value ?? .nan) }, color: color,
                                           markers: true))
            for (k, c) in levels.enumerated() {
                let byStep = rows.filter { $0.model == model && $0.step != nil && level($0) == c }
                    .sorted { ($0.step ?? 0) < ($1.step ?? 0) }
                guard !byStep.isEmpty else { continue }
                bottom.lines.append(SVGChart.Line(label: "\(model) \(Int((c * 100).rounded()))%",
                                                  points: byStep.map { (Double($0.step ?? 0), $0.value ?? .nan) }, color: color,
                                                  dashed: k % 2 == 1, markers: true))
            }
        }
        try writeAtomically(SVGChart(panels: [top, bottom]).rendered(), to: output)
        print("wrote \(output)")
    }
}
