/// What to do with missing values before modelling.
public enum MissingPolicy: String, Sendable, CaseIterable {
    /// Stop with an error naming the first missing value's file, line and column.
    case error
    /// Drop every row where any column is missing.
    case drop
    /// Carry the last observed value forward; rows before a column's first observation are dropped.
    case ffill
    /// The walk-forward protocol's rule (PROTOCOL.md section 3): drop leading missing values,
    /// fill interior gaps by linear interpolation on the row index, fill trailing missing
    /// values with the last observed value.
    case interpolate
    /// As `interpolate` for the inputs, but a target filled so is not trained or validated
    /// on: the forecaster keeps the observation mask (`SeriesData.observed`).
    case mask
}

extension Frame {
    /// This frame with no missing values in its numeric columns, by `policy`.
    ///
    /// With several columns, "leading" means the rows before every column has been observed
    /// once; those rows are dropped, then each column is filled on its own.
    public func filled(_ policy: MissingPolicy) throws(TimeSeriesError) -> Frame {
        let numeric = columns.filter { $0.kind == .numeric }
        guard numeric.contains(where: { $0.missing.missingCount > 0 }) else { return self }
        switch policy {
        case .error:
            var first: (row: Int, column: String)?
            for column in numeric where column.missing.missingCount > 0 {
                let row = (0..<rowCount).first { column.missing[$0] }!  // missingCount > 0
                if first == nil || row < first!.row { first = (row, column.name) }
            }
            let (row, name) = first!  // some column has a missing value (guard above)
            let location = source?.location(row: row, column: name) ?? "\(displayName): row \(row + 1)"
            throw .missingValue(location: location, column: name)
        case .drop:
            let keep = (0..<rowCount).filter { row in !numeric.contains { $0.missing[row] } }
            return rows(keep)
        case .ffill, .interpolate, .mask:
            var start = 0
            for column in numeric {
                guard let first = (0..<rowCount).first(where: { !column.missing[$0] }) else {
                    throw .noObservations(column: column.name)
                }
                start = max(start, first)
            }
            var frame = rows(start..<rowCount)
            for c in frame.columns.indices where frame.columns[c].kind == .numeric {
                let values = frame.columns[c].values
                frame.columns[c] = Column(
                    name: frame.columns[c].name,
                    values: policy == .ffill ? Self.forwardFilled(values) : Self.interpolated(values))
            }
            return frame
        }
    }

    /// Forward fill (NaN marks missing): each missing value takes the value before it, a
    /// missing first value `previous` (the last one before these: new rows of an update).
    public static func forwardFilled(_ values: [Double], after previous: Double = .nan) -> [Double] {
        var out = values
        for i in out.indices where out[i].isNaN { out[i] = i > 0 ? out[i - 1] : previous }
        return out
    }

    /// PROTOCOL.md section 3 on one series (NaN marks missing): leading missing values dropped,
    /// interior gaps linearly interpolated on the row index, trailing ones set to the last
    /// observed value. Returns an empty array when nothing is observed.
    public static func interpolated(_ values: [Double]) -> [Double] {
        guard let first = values.firstIndex(where: { !$0.isNaN }) else { return [] }
        var out = Array(values[first...])
        var last = 0  // index of the last observed value in `out`
        for i in out.indices.dropFirst() where !out[i].isNaN {
            if i - last > 1 {
                let a = out[last], b = out[i], span = Double(i - last)
                for j in (last + 1)..<i { out[j] = a + (b - a) * Double(j - last) / span }
            }
            last = i
        }
        for j in (last + 1)..<max(last + 1, out.count) { out[j] = out[last] }
        return out
    }
}
