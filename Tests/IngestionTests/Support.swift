import Foundation
import TestSupport
@testable import Ingestion
import TimeSeries

/// The package root, found from this file's path (the tests read `datasets/`).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func dataset(_ name: String) -> String { packageRoot.appendingPathComponent("datasets/\(name)").path }

func readCSV(_ text: String, _ selection: ColumnSelection = ColumnSelection(), delimiter: UInt8? = nil,
             fastPath: Bool = true) throws(IngestionError) -> [Frame] {
    var reader = CSVReader(delimiter: delimiter, selection: selection)
    reader.fastPath = fastPath
    return try reader.read(text: text, name: "t.csv")
}

/// The message of the IngestionError that `body` throws, or nil.
func message(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        return nil
    } catch {
        return "\(error)"
    }
}

func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let url = URL(fileURLWithPath: temporaryPath(name))
    try Data(bytes).write(to: url)
    return url.path
}
