import CCSV
import TimeSeries
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads RFC 4180 CSV (quoted fields with embedded separators, quotes and newlines; CRLF;
/// a UTF-8 byte-order mark) into frames, through libcsv.
///
/// Wide format: a time column and numeric columns. Long format: `seriesColumn` names the
/// id column and every id becomes its own frame. The file is streamed in 1 MiB blocks and
/// only parsed numbers are kept.
public struct CSVReader: Sendable {
    /// The field separator; nil to take whichever of `,` `;` and tab the header line uses most.
    public var delimiter: UInt8?
    /// Which columns are read and how.
    public var selection: ColumnSelection
    /// Split lines without quotes or stray carriage returns directly instead of through
    /// libcsv (same fields, about twice as fast); off only to test the two against each other.
    var fastPath = true

    /// A reader with a field separator (nil: guessed from the header) and the columns to read.
    public init(delimiter: UInt8? = nil, selection: ColumnSelection = ColumnSelection()) {
        self.delimiter = delimiter
        self.selection = selection
    }

    /// Reads the file at `path`.
    public func read(path: String) throws(IngestionError) -> [Frame] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw .cannotOpen(file: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            throw .cannotOpen(file: path, reason: "it is a directory")
        }
        let session = CSVSession(file: path, delimiter: delimiter, selection: selection, fastPath: fastPath)
        let size = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        var reserved = false
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotOpen(file: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            try session.feed(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
            if !reserved, let builder = session.builder, builder.rowCount > 0 {
                // Rows in the whole file, estimated from the first block.
                reserved = true
                builder.reserve(rows: Int(Double(st.st_size) / Double(n) * Double(builder.rowCount) * 1.02))
            }
        }
        return try session.finish()
    }

    /// Reads CSV text held in memory; `name` stands for the file in messages.
    public func read(bytes: UnsafeRawBufferPointer, name: String = "<input>") throws(IngestionError) -> [Frame] {
        let session = CSVSession(file: name, delimiter: delimiter, selection: selection, fastPath: fastPath)
        try session.feed(bytes)
        return try session.finish()
    }

    /// Reads CSV text held in a string.
    public func read(text: String, name: String = "<input>") throws(IngestionError) -> [Frame] {
        let bytes = Array(text.utf8)
        let session = CSVSession(file: name, delimiter: delimiter, selection: selection, fastPath: fastPath)
        let fed = bytes.withUnsafeBytes { raw in Result { () throws(IngestionError) in try session.feed(raw) } }
        try fed.get()
        return try session.finish()
    }
}

/// One parse: libcsv's state, line counting, and the frame builder the fields go to.
final class CSVSession {
    let file: String
    let selection: ColumnSelection
    var delimiter: UInt8?
    var parser = csv_parser()
    var started = false
    var bom = 0  // bytes of a leading byte-order mark still to skip

    /// The 1-based line being fed, and whether the next byte starts a new line.
    @exclusivity(unchecked) var line = 1
    @exclusivity(unchecked) var atLineStart = true
    /// The line where the record now being parsed began.
    @exclusivity(unchecked) var recordStartLine = 1

    @exclusivity(unchecked) var header: [String] = []
    /// The names in `header`, so a duplicate is found in constant time (a 100,000-column
    /// header in linear time).
    var headerNames: Set<String> = []
    @exclusivity(unchecked) var builder: FrameBuilder? {
        didSet { unmanagedBuilder = builder.map { Unmanaged.passUnretained($0) } }
    }
    /// The builder without reference counting in the per-field path (`builder` owns it).
    @exclusivity(unchecked) var unmanagedBuilder: Unmanaged<FrameBuilder>?
    @exclusivity(unchecked) var fieldIndex = 0
    @exclusivity(unchecked) var sawAnyRecord = false
    @exclusivity(unchecked) var failure: IngestionError? {
        didSet { failed = failure != nil }
    }
    @exclusivity(unchecked) var failed = false

    let fastPath: Bool
    /// Bytes libcsv trims around unquoted fields: space, and tab unless tab separates.
    var trimsTab = true

    init(file: String, delimiter: UInt8?, selection: ColumnSelection, fastPath: Bool) {
        self.file = file
        self.delimiter = delimiter
        self.selection = selection
        self.fastPath = fastPath
    }

    deinit { if started { csv_free(&parser) } }

    private func start(first: UnsafeRawBufferPointer) {
        started = true
        // csv_init only fails on allocation failure, which Swift treats as fatal anyway.
        precondition(csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) == 0,
                     "csv_init failed")
        // libcsv trims spaces and tabs around unquoted fields by default; a tab can be the
        // separator, so only spaces are trimmed.
        let delimiter = delimiter ?? Self.guessDelimiter(first)
        self.delimiter = delimiter
        if delimiter == 0x09 {
            trimsTab = false
            let spaceOnly: @convention(c) (UInt8) -> Int32 = { $0 == 0x20 ? 1 : 0 }
            csv_set_space_func(&parser, spaceOnly)
        }
        csv_set_delim(&parser, delimiter)
    }

    /// The separator used most on the first line, outside quotes: `,`, `;` or tab.
    static func guessDelimiter(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
        var counts: [UInt8: Int] = [0x2c: 0, 0x3b: 0, 0x09: 0]
        var quoted = false
        for b in bytes {
            if b == 0x22 { quoted.toggle() }
            if !quoted && (b == 0x0a || b == 0x0d) { break }
            if !quoted, counts[b] != nil { counts[b, default: 0] += 1 }
        }
        let best = counts.max { a, b in a.value != b.value ? a.value < b.value : a.key < b.key }
        return best.map { $0.value > 0 ? $0.key : 0x2c } ?? 0x2c
    }

    func feed(_ chunk: UnsafeRawBufferPointer) throws(IngestionError) {
        var bytes = chunk
        if !started {
            guard !bytes.isEmpty else { return }
            if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
                bytes = UnsafeRawBufferPointer(rebasing: bytes[3...])
            }
            start(first: bytes)
        }
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        let count = bytes.count
        let context = Unmanaged.passUnretained(self).toOpaque()
        let onField: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { s, len, ctx in
            // ctx is the session passed to csv_parse below.
            Unmanaged<CSVSession>.fromOpaque(ctx!)._withUnsafeGuaranteedRef { $0.onField(s, len) }
        }
        let onRow: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, ctx in
            Unmanaged<CSVSession>.fromOpaque(ctx!)._withUnsafeGuaranteedRef { $0.onRow() }
        }
        while offset < count {
            if atLineStart {
                if parser.pstate == 0 { recordStartLine = line }  // ROW_NOT_BEGUN: a record starts here
                atLineStart = false
            }
            let rest = count - offset
            let newline = memchr(base + offset, 0x0a, rest)
            let end = newline.map { $0 - UnsafeMutableRawPointer(mutating: base) + 1 } ?? count
            let length = end - offset
            if fastPath && newline != nil && parser.pstate == 0 && splitPlainLine(base + offset, length) {
                if failed, let failure { throw failure }
                offset = end
                line += 1
                atLineStart = true
                continue
            }
            let parsed = csv_parse(&parser, base + offset, length, onField, onRow, context)
            if failed, let failure { throw failure }
            if parsed != length {
                throw IngestionError.malformedQuote(location: "\(file):\(line):\(fieldIndex + 1)")
            }
            offset = end
            if newline != nil {
                line += 1
                atLineStart = true
            }
        }
    }

    /// Splits one whole line (ending in LF) that has no quote and no carriage return but
    /// the one before its LF, giving the fields and row end libcsv would give: fields
    /// trimmed of spaces (and tabs) at both ends, a blank line giving no row.
    /// Returns false, having done nothing, for lines libcsv must parse.
    private func splitPlainLine(_ start: UnsafeRawPointer, _ length: Int) -> Bool {
        let p = start.assumingMemoryBound(to: UInt8.self)
        var end = length - 1  // drop LF
        if end > 0 && p[end - 1] == 0x0d { end -= 1 }
        if memchr(p, 0x22, end) != nil || memchr(p, 0x0d, end) != nil { return false }
        let separator = delimiter ?? 0x2c
        let tab = trimsTab
        @inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (tab && b == 0x09) }
        var blank = true
        for i in 0..<end where !isSpace(p[i]) { blank = false; break }
        if blank { return true }
        var fieldStart = 0
        var i = 0
        while true {
            if i == end || p[i] == separator {
                var a = fieldStart, b = i
                while a < b && isSpace(p[a]) { a &+= 1 }
                while b > a && isSpace(p[b - 1]) { b &-= 1 }
                onField(UnsafeMutableRawPointer(mutating: p + a), b - a)
                if i == end { break }
                fieldStart = i &+ 1
            }
            i &+= 1
        }
        onRow()
        return true
    }

    func finish() throws(IngestionError) -> [Frame] {
        if let failure { throw failure }
        guard started else { throw .empty(file: file) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        let onField: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { s, len, ctx in
            Unmanaged<CSVSession>.fromOpaque(ctx!)._withUnsafeGuaranteedRef { $0.onField(s, len) }
        }
        let onRow: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, ctx in
            Unmanaged<CSVSession>.fromOpaque(ctx!)._withUnsafeGuaranteedRef { $0.onRow() }
        }
        if csv_fini(&parser, onField, onRow, context) != 0 {
            throw .unterminatedQuote(location: "\(file):\(recordStartLine)")
        }
        if let failure { throw failure }
        guard sawAnyRecord else { throw .empty(file: file) }
        guard let builder else { throw .headerOnly(file: file) }
        return try builder.finish()
    }

    func onField(_ s: UnsafeMutableRawPointer?, _ len: Int) {
        guard !failed else { return }
        let bytes = UnsafeBufferPointer(start: s?.assumingMemoryBound(to: UInt8.self), count: s == nil ? 0 : len)
        do throws(IngestionError) {
            if let unmanagedBuilder {
                let index = fieldIndex, line = recordStartLine
                var thrown: IngestionError?
                // Guaranteed reference: no retain and release around every field.
                unmanagedBuilder._withUnsafeGuaranteedRef { builder in
                    if index == 0 { builder.beginRow(line: line) }
                    do throws(IngestionError) { try builder.field(index, bytes) } catch { thrown = error }
                }
                if let thrown { throw thrown }
            } else {
                guard let name = String(validating: bytes, as: UTF8.self) else {
                    throw IngestionError.invalidUTF8(location: "\(file):\(line):\(fieldIndex + 1)")
                }
                let trimmed = name.trimmingSpaces
                let resolved = trimmed.isEmpty ? "column_\(fieldIndex + 1)" : trimmed
                if !headerNames.insert(resolved).inserted {
                    throw IngestionError.duplicateColumn(location: "\(file):\(line):\(fieldIndex + 1)", name: resolved)
                }
                header.append(resolved)
            }
        } catch {
            failure = error
        }
        fieldIndex += 1
    }

    func onRow() {
        defer { fieldIndex = 0 }
        guard !failed else { return }
        sawAnyRecord = true
        do throws(IngestionError) {
            if let builder {
                if fieldIndex == 0 { builder.beginRow(line: recordStartLine) }
                try builder.endRow(fieldCount: fieldIndex)
            } else {
                builder = try FrameBuilder(file: file, unit: "line", header: header, selection: selection)
            }
        } catch {
            failure = error
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
