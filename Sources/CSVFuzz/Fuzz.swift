import Ingestion

/// libFuzzer entry point for the CSV reader: any bytes must give frames or an
/// `IngestionError`, never a crash. The first byte picks a reader configuration.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let selections = [
        ColumnSelection(),
        ColumnSelection(sort: true),
        ColumnSelection(seriesColumn: "id", sort: true),
        ColumnSelection(noTimeColumn: true),
    ]
    let selection = selections[Int(data[0]) % selections.count]
    let delimiter: UInt8? = data[0] & 0x10 != 0 ? nil : 0x2c
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    do {
        let frames = try CSVReader(delimiter: delimiter, selection: selection).read(bytes: bytes, name: "fuzz.csv")
        for frame in frames {
            _ = frame.frequencyReport
            for column in frame.columns { _ = column.summary }
            _ = try? frame.filled(.interpolate)
        }
    } catch {
        _ = error.description
    }
    return 0
}
