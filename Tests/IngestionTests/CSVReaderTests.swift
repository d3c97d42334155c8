import Testing
@testable import Ingestion
import TimeSeries

@Suite struct CSVReaderTests {
    @Test func wideFormatWithDetectedTimeColumn() throws {
        let frames = try readCSV("timestamp,a,b\n2020-01-01,1.5,-2\n2020-01-02,,3e2\n2020-01-03,NA,null\n")
        #expect(frames.count == 1)
        let f = frames[0]
        #expect(f.columnNames == ["a", "b"])
        #expect(f.rowCount == 3)
        #expect(f.timestampStyle == .date)
        #expect(f.columns[0].missing.missingCount == 2)
        #expect(try f.values(of: "b")[0...1] == [-2, 300])
        #expect(f.frequencyReport.frequency == .fixed(microseconds: 86_400_000_000))
    }

    @Test func rfc4180QuotingCRLFAndBOM() throws {
        let text = "\u{FEFF}\"time\",\"note, with comma\",value\r\n"
            + "2020-01-01T00:00:00Z,\"say \"\"hi\"\"\",1\r\n"
            + "2020-01-01T01:00:00Z,\"two\nlines\",\"2.5\"\r\n"
            + "2020-01-01T02:00:00Z,plain,3\r\n"
        let f = try readCSV(text)[0]
        #expect(f.columnNames == ["note, with comma", "value"])
        #expect(f.columns[0].kind == .text)
        #expect(try f.values(of: "value") == [1, 2.5, 3])
        #expect(f.source?.lines == [2, 3, 5])  // the quoted newline makes row 2 span lines 3-4
        #expect(f.timestampStyle == .utc)
    }

    @Test func semicolonAndTabSeparators() throws {
        let semicolon = try readCSV("date;x;y\n2021-01-01;1;2\n2021-01-02;3;4\n")[0]
        #expect(try semicolon.values(of: "y") == [2, 4])
        let tab = try readCSV("date\tx\n2021-01-01\t 1\n2021-01-02\t2 \n", delimiter: 0x09)[0]
        #expect(try tab.values(of: "x") == [1, 2])
    }

    @Test func numbersInEveryForm() throws {
        let f = try readCSV("v\n0\n-12\n+3.25\n.5\n5.\n1e3\n-2.5E-2\n12345678901234567890123\n0.1\n1e-400\n", ColumnSelection(noTimeColumn: true))[0]
        let v = try f.values(of: "v")
        #expect(v == [0, -12, 3.25, 0.5, 5, 1000, -0.025, 12345678901234567890123, 0.1, 0])
        #expect(f.timestamps == nil)
        #expect(f.frequencyReport.frequency == .index)
    }

    @Test func missingMarkersInAnyCase() throws {
        let f = try readCSV("v\n1\n\nNA\nna\nNaN\nNAN\nnull\nNULL\n2\n", ColumnSelection(noTimeColumn: true))[0]
        // a blank line is no row; the other markers are missing values
        #expect(f.rowCount == 8)
        #expect(f.columns[0].missing.missingCount == 6)
    }

    @Test func timestampsOfEveryForm() throws {
        let epoch = try readCSV("time,v\n1357020000,1\n1357023600,2\n")[0]
        #expect(epoch.timestampStyle == .epochSeconds)
        #expect(epoch.frequencyReport.frequency?.name == "1h")
        let offsets = try readCSV("ts,v\n2013-01-01T07:00:00+01:00,1\n2013-01-01 07:00:00.5Z,2\n")[0]
        #expect(offsets.timestamps?.map { $0.formatted(.utc) } == ["2013-01-01T06:00:00Z", "2013-01-01T07:00:00.500000Z"])
        let firstColumn = try readCSV("when,v\n2013-01-01,1\n2013-01-02,2\n")[0]
        #expect(firstColumn.columnNames == ["v"])
        let named = try readCSV("id,v,t\n1,5,2013-01-01\n2,6,2013-01-02\n", ColumnSelection(timeColumn: "t"))[0]
        #expect(named.columnNames == ["id", "v"])
        #expect(named.timestamps?.count == 2)
    }

    @Test func targetAndColumnsSelectAndOrder() throws {
        let text = "timestamp,a,b,c\n2020-01-01,1,x,3\n2020-01-02,2,y,4\n"
        let f = try readCSV(text, ColumnSelection(target: "c", columns: ["a"]))[0]
        #expect(f.columnNames == ["c", "a"])
        let all = try readCSV(text)[0]
        #expect(all.columns.map(\.kind) == [.numeric, .text, .numeric])
    }

    @Test func longFormatGivesOneFramePerSeries() throws {
        let text = "series,time,value\nb,2020-01-02,2\na,2020-01-01,10\nb,2020-01-01,1\na,2020-01-02,20\n"
        #expect(throws: IngestionError.self) { try readCSV(text, ColumnSelection(seriesColumn: "series")) }
        let frames = try readCSV(text, ColumnSelection(seriesColumn: "series", sort: true))
        #expect(frames.map(\.series) == ["b", "a"])
        #expect(try frames[0].values(of: "value") == [1, 2])
        #expect(try frames[1].values(of: "value") == [10, 20])
        #expect(frames[0].source?.lines == [4, 2])
    }

    @Test func sortReordersRowsByTime() throws {
        let f = try readCSV("date,v\n2020-01-03,3\n2020-01-01,1\n2020-01-02,2\n", ColumnSelection(sort: true))[0]
        #expect(try f.values(of: "v") == [1, 2, 3])
    }

    @Test func readsFromAFileInBlocks() throws {
        var text = "timestamp,v\n"
        let start = Timestamp(year: 2000, month: 1, day: 1)
        for i in 0..<60_000 {
            text += Timestamp(microseconds: start.microseconds + Int64(i) * 60_000_000).formatted(.local) + ",\(i).25\n"
        }
        let path = try temporaryFile("big.csv", Array(text.utf8))  // > 1 MiB: several read blocks
        let f = try CSVReader().read(path: path)[0]
        #expect(f.rowCount == 60_000)
        #expect(try f.values(of: "v").last == 59_999.25)
        #expect(f.source?.lines.last == 60_001)
        #expect(f.frequencyReport.frequency?.name == "1min")
    }
}
