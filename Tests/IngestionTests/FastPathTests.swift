@testable import Ingestion
import Support
import Testing
import TimeSeries

/// The direct split of quote-free lines must give exactly what libcsv gives.
@Suite struct FastPathTests {
    func outcome(_ text: String, fastPath: Bool, delimiter: UInt8?) -> String {
        do {
            let frames = try readCSV(text, ColumnSelection(noTimeColumn: true), delimiter: delimiter, fastPath: fastPath)
            return frames.map { f in
                f.columns.map { c in "\(c.name):\(c.kind):\(c.values.map { $0.isNaN ? "nan" : "\($0)" }):\(c.missing.missingCount)" }
                    .joined(separator: "|") + " lines \(f.source?.lines ?? [])"
            }.joined(separator: "\n")
        } catch {
            return "\(error)"
        }
    }

    @Test func agreesWithLibcsvOnRandomQuoteFreeText() {
        var g = SplitMix64(seed: 7)
        let pieces = ["1", "2.5", "-3e2", " 4 ", "\t5\t", "", "NA", "x", " ", ",", ";", "\t", "\r\n", "\n", "\n\n", "  \n"]
        for _ in 0..<3000 {
            var text = "a,b,c\n"
            for _ in 0..<Int(g.next() % 20) { text += pieces[Int(g.next() % UInt64(pieces.count))] }
            if g.next() % 2 == 0 { text += "\n" }
            for delimiter: UInt8? in [nil, 0x2c, 0x3b, 0x09] {
                let fast = outcome(text, fastPath: true, delimiter: delimiter)
                let slow = outcome(text, fastPath: false, delimiter: delimiter)
                #expect(fast == slow, "\(text.debugDescription) with delimiter \(String(describing: delimiter))")
                if fast != slow { return }
            }
        }
    }
}
