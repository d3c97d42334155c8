/// Where a frame's rows came from, so errors found later can still name file, line and column.
public struct SourceMap: Sendable {
    /// The file (or `database (table)`) the rows were read from.
    public var file: String
    /// The word for a row of the source: `line` for text files, `row` for query results.
    public var unit: String
    /// The source line (or row) number of each row of the frame, 1-based.
    public var lines: [Int]
    /// The 1-based field number of each column, by column name.
    public var fieldNumbers: [String: Int]

    /// A map from row to source line and from column name to field number.
    public init(file: String, unit: String = "line", lines: [Int], fieldNumbers: [String: Int]) {
        self.file = file
        self.unit = unit
        self.lines = lines
        self.fieldNumbers = fieldNumbers
    }

    /// `prices.csv:42:3` (or `db.sqlite: row 42, column 3`) for a row and column of the frame.
    public func location(row: Int?, column: String?) -> String {
        let line = row.flatMap { $0 < lines.count ? lines[$0] : nil }
        let field = column.flatMap { fieldNumbers[$0] }
        if unit == "line" {
            return [file, line.map(String.init), field.map(String.init)].compactMap { $0 }.joined(separator: ":")
        }
        var text = file
        if let line { text += ": \(unit) \(line)" }
        if let field { text += ", column \(field)" }
        return text
    }
}
