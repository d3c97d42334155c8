import TimeSeries

/// Turns the fields of a header and data rows, from either reader, into frames.
///
/// Keeps only parsed numbers (8 bytes a value, one bit for the missing mask), timestamps
/// and interned series ids, never the text, so memory grows with the numbers read.
final class FrameBuilder {
    private enum Role {
        case time, series, skip
        case value(Int)  // index into `outputs`
    }

    private struct Output {
        var name: String
        var field: Int
        var strict: Bool
        var kind: Column.Kind = .numeric
        var active = true
        var observed = 0
        /// Numeric columns: one value per row, NaN where missing (the mask is made at the end).
        var values: [Double] = []
        /// Text columns only: the missing mask, kept row by row.
        var missing = MissingMask()
        /// Label columns only: the categories in the order first seen, and their indices.
        var categories: [String] = []
        var categoryIndex: [String: Int] = [:]

        /// The index of `label` among the categories, added when new.
        mutating func code(_ label: String) -> Double {
            if let i = categoryIndex[label] { return Double(i) }
            categoryIndex[label] = categories.count
            categories.append(label)
            return Double(categories.count - 1)
        }
    }

    let file: String
    let unit: String
    let header: [String]
    private let selection: ColumnSelection
    /// One role per source column. A raw buffer, not an array: reading an array property of
    /// a class retains its storage on every field, a measurable cost at millions of fields.
    private let roles: UnsafeMutableBufferPointer<Role>
    /// The value columns. Held in a raw buffer for the same reason as `roles`.
    private var outputs: UnsafeMutableBufferPointer<Output> = .init(start: nil, count: 0)
    /// Whether column 0 is still to be classified as time or value on the first data row.
    @exclusivity(unchecked) private var detectTimeInFirstColumn: Bool
    @exclusivity(unchecked) private var allowEpochTime: Bool
    @exclusivity(unchecked) private var hasTime = false

    @exclusivity(unchecked) private var timestamps: [Timestamp] = []
    @exclusivity(unchecked) private(set) var style: TimestampStyle?
    /// The line (or row) of the first time, whose style every other time must share.
    @exclusivity(unchecked) private var styleLine = 0
    @exclusivity(unchecked) private var seriesCodes: [Int32] = []
    private var seriesNames: [String] = []
    private var seriesIndex: [String: Int32] = [:]
    @exclusivity(unchecked) private var lines: [Int] = []

    @exclusivity(unchecked) private var line = 0
    @exclusivity(unchecked) private var rowTime: Timestamp?
    @exclusivity(unchecked) private var rowSeries: Int32 = 0
    @exclusivity(unchecked) private(set) var rowCount = 0

    init(file: String, unit: String, header: [String], selection: ColumnSelection) throws(IngestionError) {
        self.file = file
        self.unit = unit
        self.header = header
        self.selection = selection
        roles = .allocate(capacity: header.count)
        roles.initialize(repeating: .skip)
        detectTimeInFirstColumn = false
        allowEpochTime = true

        func index(of name: String, flag: String) throws(IngestionError) -> Int {
            guard let i = header.firstIndex(of: name) else {
                throw .unknownColumn(file: file, flag: flag, name: name, available: header)
            }
            return i
        }
        var outputList: [Output] = []
        var timeIndex: Int?
        if let name = selection.timeColumn {
            timeIndex = try index(of: name, flag: "--time-column")
        } else if !selection.noTimeColumn {
            timeIndex = header.firstIndex { ColumnSelection.timeColumnNames.contains($0.lowercased()) }
            if timeIndex == nil && !header.isEmpty && header[0] != selection.seriesColumn {
                detectTimeInFirstColumn = true
                allowEpochTime = false
            }
        }
        if let (name, first, second) = selection.roleConflict(timeColumn: timeIndex.map { header[$0] }) {
            throw .columnRoles(file: file, name: name, first: first, second: second)
        }
        var seriesIndexInHeader: Int?
        if let name = selection.seriesColumn {
            seriesIndexInHeader = try index(of: name, flag: "--series-column")
            roles[seriesIndexInHeader!] = .series  // assigned on the line above
        }
        if let timeIndex {
            roles[timeIndex] = .time
            hasTime = true
        }
        if let named = selection.namedValueColumns {
            for name in named {
                let flag = name == selection.target ? "--target" : "--columns"
                let i = try index(of: name, flag: flag)
                roles[i] = .value(outputList.count)
                outputList.append(Output(name: name, field: i, strict: true,
                                         kind: selection.categorical.contains(name) ? .label : .numeric))
            }
            if detectTimeInFirstColumn, case .value = roles[0] { detectTimeInFirstColumn = false }
        } else {
            for (i, name) in header.enumerated() where i != timeIndex && i != seriesIndexInHeader {
                roles[i] = .value(outputList.count)
                outputList.append(Output(name: name, field: i, strict: false))
            }
        }
        outputs = .allocate(capacity: outputList.count)
        _ = outputs.initialize(from: outputList)
    }

    deinit {
        roles.deallocate()
        outputs.deinitialize()
        outputs.deallocate()
    }

    /// Reserves room for about `rows` rows, so large files do not grow arrays by copying.
    func reserve(rows: Int) {
        for o in outputs.indices where outputs[o].kind == .numeric { outputs[o].values.reserveCapacity(rows) }
        if hasTime || detectTimeInFirstColumn { timestamps.reserveCapacity(rows) }
        lines.reserveCapacity(rows)
    }

    func beginRow(line: Int) {
        self.line = line
        rowTime = nil
        rowSeries = 0
    }

    func location(field: Int) -> String {
        unit == "line" ? "\(file):\(line):\(field + 1)" : "\(file): \(unit) \(line), column \(field + 1)"
    }

    /// A field given as text (every CSV field; TEXT values of SQLite).
    func field(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) throws(IngestionError) {
        guard index < roles.count else { return }
        let p = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!  // count is 0 when nil
        let n = bytes.count
        if index == 0 && detectTimeInFirstColumn {
            detectTimeInFirstColumn = false
            if Timestamp.parse(bytes, allowEpoch: false) != nil {
                if case .value(let o) = roles[0] { outputs[o].active = false }
                roles[0] = .time
                hasTime = true
            }
        }
        switch roles[index] {
        case .skip:
            return
        case .time:
            guard !DecimalParser.isMissingMarker(p, n) else {
                throw .missingTimestamp(location: location(field: index), column: header[index])
            }
            guard let (stamp, style) = Timestamp.parse(bytes, allowEpoch: allowEpochTime || index != 0) else {
                try requireUTF8(bytes, field: index)
                throw .badTimestamp(location: location(field: index), column: header[index],
                                    found: String(decoding: bytes, as: UTF8.self))
            }
            try requireStyle(style, field: index, found: String(decoding: bytes, as: UTF8.self))
            rowTime = stamp
        case .series:
            try requireUTF8(bytes, field: index)
            rowSeries = intern(String(decoding: bytes, as: UTF8.self))
        case .value(let o):
            if outputs[o].kind == .text {
                outputs[o].missing.append(DecimalParser.isMissingMarker(p, n))
            } else if outputs[o].kind == .label {
                if DecimalParser.isMissingMarker(p, n) {
                    outputs[o].values.append(.nan)
                } else {
                    try requireUTF8(bytes, field: index)
                    let label = String(decoding: bytes, as: UTF8.self)
                    outputs[o].values.append(outputs[o].code(label))
                }
            } else if let value = DecimalParser.parse(p, n) {
                guard value.isFinite else {
                    throw .notFinite(location: location(field: index), column: header[index],
                                     found: String(decoding: bytes, as: UTF8.self))
                }
                append(value, to: o)
            } else if DecimalParser.isMissingMarker(p, n) {
                outputs[o].values.append(.nan)
            } else {
                try requireUTF8(bytes, field: index)
                if outputs[o].strict || outputs[o].observed > 0 {
                    throw .notANumber(location: location(field: index), column: header[index],
                                      found: String(decoding: bytes, as: UTF8.self))
                }
                // The first observed value is text: the column holds labels, not numbers.
                outputs[o].kind = .text
                outputs[o].missing = MissingMask(count: outputs[o].values.count) { _ in true }
                outputs[o].missing.append(false)
                outputs[o].values = []
            }
        }
    }

    /// A numeric value (SQLite INTEGER or REAL): epoch seconds in the time column.
    func number(_ index: Int, _ value: Double) throws(IngestionError) {
        switch roles[index] {
        case .skip: return
        case .time:
            guard let stamp = Timestamp(epochSeconds: value) else {
                throw .epochOutOfRange(location: location(field: index), column: header[index],
                                       found: "\(value)")
            }
            try requireStyle(.epochSeconds, field: index, found: "\(value)")
            rowTime = stamp
        case .series:
            rowSeries = intern(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value))
        case .value(let o):
            if outputs[o].kind == .text {
                outputs[o].missing.append(false)
            } else if outputs[o].kind == .label {  // a number read as a category: its text
                outputs[o].values.append(outputs[o].code(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)))
            } else {
                guard value.isFinite else {
                    throw .notFinite(location: location(field: index), column: header[index], found: "\(value)")
                }
                append(value, to: o)
            }
        }
    }

    /// A NULL (SQLite): a missing value.
    func null(_ index: Int) throws(IngestionError) {
        try field(index, UnsafeBufferPointer(start: nil, count: 0))
    }

    private func append(_ value: Double, to o: Int) {
        outputs[o].values.append(value)
        outputs[o].observed &+= 1
    }

    /// Ends a data row that had `fieldCount` fields.
    func endRow(fieldCount: Int) throws(IngestionError) {
        guard fieldCount == header.count else {
            throw .raggedRow(location: unit == "line" ? "\(file):\(line)" : "\(file): \(unit) \(line)",
                             expected: header.count, found: fieldCount)
        }
        if hasTime {
            // Every time field either set rowTime or threw.
            timestamps.append(rowTime ?? Timestamp(microseconds: 0))
        }
        if selection.seriesColumn != nil { seriesCodes.append(rowSeries) }
        lines.append(line)
        rowCount += 1
    }

    private func intern(_ name: String) -> Int32 {
        if let code = seriesIndex[name] { return code }
        let code = Int32(seriesNames.count)
        seriesNames.append(name)
        seriesIndex[name] = code
        return code
    }

    /// Records the style of the first time; throws `mixedTimeStyles` for a later time that is
    /// an instant where the first was a clock time, or the reverse.
    @inline(__always)
    private func requireStyle(_ style: TimestampStyle, field: Int, found: @autoclosure () -> String) throws(IngestionError) {
        guard let first = self.style else {
            self.style = style
            styleLine = line
            return
        }
        if first.isInstant != style.isInstant {
            throw .mixedTimeStyles(location: location(field: field), column: header[field], found: found(),
                                   first: "\(unit) \(styleLine)", firstIsInstant: first.isInstant)
        }
    }

    private func requireUTF8(_ bytes: UnsafeBufferPointer<UInt8>, field: Int) throws(IngestionError) {
        if String(validating: bytes, as: UTF8.self) == nil {
            throw .invalidUTF8(location: location(field: field))
        }
    }

    /// The frames read: one, or one per series id in first-seen order.
    func finish() throws(IngestionError) -> [Frame] {
        guard rowCount > 0 else { throw .headerOnly(file: file) }
        let active = Array(outputs).filter(\.active)
        let columns = active.map { output in
            switch output.kind {
            case .text: Column(name: output.name, kind: .text, values: [], missing: output.missing)
            case .label: Column(name: output.name, kind: .label, values: output.values,
                                missing: MissingMask(count: output.values.count) { output.values[$0].isNaN },
                                categories: output.categories)
            case .numeric: Column(name: output.name, values: output.values)
            }
        }
        var fieldNumbers: [String: Int] = [:]
        for output in active { fieldNumbers[output.name] = output.field + 1 }
        if let t = roles.firstIndex(where: { if case .time = $0 { true } else { false } }) {
            fieldNumbers[header[t]] = t + 1
        }
        let all = Frame(timestamps: hasTime ? timestamps : nil, timestampStyle: style ?? .date, columns: columns,
                        source: SourceMap(file: file, unit: unit, lines: lines, fieldNumbers: fieldNumbers))
        guard selection.seriesColumn != nil else { return [try ordered(all)] }
        var rowsBySeries = Array(repeating: [Int](), count: seriesNames.count)
        for (row, code) in seriesCodes.enumerated() { rowsBySeries[Int(code)].append(row) }
        return try zip(seriesNames, rowsBySeries).map { (name, rows) throws(IngestionError) in
            var frame = all.rows(rows)
            frame.series = name
            return try ordered(frame)
        }
    }

    /// Checks that timestamps strictly increase, sorting first with `--sort`.
    private func ordered(_ frame: Frame) throws(IngestionError) -> Frame {
        guard var t = frame.timestamps, t.count > 1 else { return frame }
        var frame = frame
        if selection.sort, (1..<t.count).contains(where: { t[$0] < t[$0 - 1] }) {
            let order = t.indices.sorted { t[$0] != t[$1] ? t[$0] < t[$1] : $0 < $1 }
            frame = frame.rows(order)
            t = frame.timestamps ?? t
        }
        let lines = frame.source?.lines ?? []
        let timeField = roles.firstIndex { if case .time = $0 { true } else { false } } ?? 0
        for i in 1..<t.count where t[i] <= t[i - 1] {
            let here = unit == "line" ? "\(file):\(lines[i]):\(timeField + 1)" : "\(file): \(unit) \(lines[i])"
            let stamp = t[i].formatted(style ?? .local)
            if t[i] == t[i - 1] {
                throw .duplicateTimestamp(location: here, timestamp: stamp, otherLine: lines[i - 1])
            }
            throw .outOfOrder(location: here, timestamp: stamp, previous: t[i - 1].formatted(style ?? .local),
                              otherLine: lines[i - 1])
        }
        return frame
    }
}
