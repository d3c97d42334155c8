import Testing
@testable import TimeSeries

@Suite struct MissingPolicyTests {
    let nan = Double.nan

    func frame(_ a: [Double], _ b: [Double]? = nil) -> Frame {
        var columns = [Column(name: "a", values: a)]
        if let b { columns.append(Column(name: "b", values: b)) }
        return Frame(timestamps: nil, columns: columns,
                     source: SourceMap(file: "x.csv", lines: Array(2..<(a.count + 2)), fieldNumbers: ["a": 2, "b": 3]))
    }

    @Test func interpolateIsProtocolSection3() {
        // leading dropped, interior linear on the row index, trailing = last observed
        let out = Frame.interpolated([nan, nan, 1, nan, nan, 4, 5, nan, nan])
        #expect(out == [1, 2, 3, 4, 5, 5, 5])
        #expect(Frame.interpolated([nan, nan]).isEmpty)
        #expect(Frame.interpolated([2]) == [2])
    }

    @Test func policiesOnAFrame() throws {
        let f = frame([nan, 1, nan, 3, nan], [10, 11, 12, nan, 14])
        let dropped = try f.filled(.drop)
        #expect(dropped.rowCount == 1)
        #expect(try dropped.values(of: "a") == [1])
        #expect(dropped.source?.lines == [3])
        let ffilled = try f.filled(.ffill)
        #expect(try ffilled.values(of: "a") == [1, 1, 3, 3])
        #expect(try ffilled.values(of: "b") == [11, 12, 12, 14])
        let interpolated = try f.filled(.interpolate)
        #expect(try interpolated.values(of: "a") == [1, 2, 3, 3])
        #expect(try interpolated.values(of: "b") == [11, 12, 13, 14])
        #expect(interpolated.columns.allSatisfy { $0.missing.missingCount == 0 })
    }

    @Test func errorPolicyNamesLineAndColumn() {
        let f = frame([1, 2, nan])
        #expect(throws: TimeSeriesError.missingValue(location: "x.csv:4:2", column: "a")) { try f.filled(.error) }
        #expect(throws: TimeSeriesError.noObservations(column: "a")) { try frame([nan, nan]).filled(.interpolate) }
    }
}
