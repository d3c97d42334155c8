import Testing
@testable import Ingestion
import TimeSeries

/// Every kind of bad input ends in one error that names the file, line and column.
@Suite struct CSVReaderErrorTests {
    @Test func emptyFileAndHeaderOnly() {
        #expect(message { try readCSV("") } == "t.csv: the file is empty")
        #expect(message { try readCSV("\n\n") } == "t.csv: the file is empty")
        #expect(message { try readCSV("timestamp,value\n") } == "t.csv: the file has a header but no data rows")
    }

    @Test func raggedRow() {
        #expect(message { try readCSV("timestamp,value\n2020-01-01,1\n2020-01-02,2,3\n") }
            == "t.csv:3: expected 2 fields as in the header, found 3")
        #expect(message { try readCSV("timestamp,value\n2020-01-01\n") }
            == "t.csv:2: expected 2 fields as in the header, found 1")
    }

    @Test func quotes() {
        #expect(message { try readCSV("a,b\n1,\"2\n3,4\n") } == "t.csv:2: unterminated quoted field: the closing quote is missing")
        #expect(message { try readCSV("a,b\n1,2\"x\n") }?.hasPrefix("t.csv:2:2: malformed quoted field") == true)
    }

    @Test func nonNumericValue() {
        #expect(message { try readCSV("timestamp,close\n2020-01-01,1.5\n2020-01-02,n/a\n") }
            == "t.csv:3:2: column \"close\": expected a number, found \"n/a\"")
        // a column named by a flag must be numeric from its first value
        #expect(message { try readCSV("timestamp,close\n2020-01-01,abc\n", ColumnSelection(target: "close")) }
            == "t.csv:2:2: column \"close\": expected a number, found \"abc\"")
    }

    @Test func numbersBeyondADoubleAreRefusedLikeInf() throws {
        #expect(message { try readCSV("timestamp,close\n2020-01-01,1.5\n2020-01-02,1e400\n") }
            == "t.csv:3:2: column \"close\": expected a finite number, found \"1e400\", which is beyond a double's range")
        let digits = String(repeating: "9", count: 400)
        #expect(message { try readCSV("timestamp,close\n2020-01-01,-\(digits)\n") }?
            .hasPrefix("t.csv:2:2: column \"close\": expected a finite number, found \"-999") == true)
        #expect(message { try readCSV("timestamp,close\n2020-01-01,inf\n2020-01-02,1\n", ColumnSelection(target: "close")) }
            == "t.csv:2:2: column \"close\": expected a number, found \"inf\"")
        // the largest finite double and an underflow to zero are numbers
        let frame = try readCSV("timestamp,close\n2020-01-01,1.7976931348623157e308\n2020-01-02,1e-400\n")[0]
        #expect(try frame.values(of: "close") == [.greatestFiniteMagnitude, 0])
    }

    /// Issue 14, family 6: clock times and instants in one column cannot share a grid.
    @Test func clockTimesAndInstantsDoNotMix() throws {
        for fastPath in [true, false] {
            #expect(message { try readCSV("date,v\n2020-01-01T00:00,1\n2020-01-02T00:00,2\n2020-01-03T00:00Z,3\n", fastPath: fastPath) }
                == "t.csv:4:1: column \"date\": \"2020-01-03T00:00Z\" is an instant (Z, a UTC offset or epoch seconds), but the first time (line 2) is a clock time without a UTC offset; write every time one way")
            #expect(message { try readCSV("date,v\n2020-01-01T00:00+01:00,1\n2020-01-02,2\n", fastPath: fastPath) }
                == "t.csv:3:1: column \"date\": \"2020-01-02\" is a clock time without a UTC offset, but the first time (line 2) is an instant (Z, a UTC offset or epoch seconds); write every time one way")
            #expect(message { try readCSV("t,v\n2020-01-01,1\n1577923200,2\n", ColumnSelection(timeColumn: "t"), fastPath: fastPath) }?
                .hasPrefix("t.csv:3:1: column \"t\": \"1577923200\" is an instant") == true)
        }
        // Offsets and Z mix freely (all instants), as do dates and clock times.
        let instants = try readCSV("date,v\n2020-01-01T00:00+01:00,1\n2020-01-01T00:00Z,2\n1577840400,3\n",
                                   ColumnSelection(timeColumn: "date"))[0]
        #expect(instants.timestamps?.map(\.microseconds) == [1577833200, 1577836800, 1577840400].map { $0 * 1_000_000 })
        let clock = try readCSV("date,v\n2020-01-01,1\n2020-01-02T12:00,2\n")[0]
        #expect(clock.timestamps?.count == 2)
    }

    @Test func badAndMissingTimestamps() {
        #expect(message { try readCSV("timestamp,v\n2020-01-01,1\n2020-02-30,2\n") }
            == "t.csv:3:1: column \"timestamp\": expected an ISO-8601 date or date-time, found \"2020-02-30\"")
        #expect(message { try readCSV("timestamp,v\n2020-01-01,1\n,2\n") }
            == "t.csv:3:1: column \"timestamp\": the timestamp is missing")
    }

    @Test func duplicateAndOutOfOrderTimestampsNameBothLines() {
        #expect(message { try readCSV("timestamp,v\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n") }
            == "t.csv:4:1: duplicate timestamp 2020-01-02, also on line 3")
        #expect(message { try readCSV("timestamp,v\n2020-01-02,1\n2020-01-01,2\n") }
            == "t.csv:3:1: timestamp 2020-01-01 comes after 2020-01-02 on line 2; rows must be in time order (or pass --sort)")
        #expect(message { try readCSV("timestamp,v\n2020-01-02,1\n2020-01-01,2\n2020-01-02,3\n", ColumnSelection(sort: true)) }
            == "t.csv:4:1: duplicate timestamp 2020-01-02, also on line 2")
    }

    @Test func unknownColumnListsTheColumns() {
        #expect(message { try readCSV("timestamp,open,close\n2020-01-01,1,2\n", ColumnSelection(target: "price")) }
            == "t.csv: --target names column \"price\", which is not there; the columns are: timestamp, open, close")
        #expect(message { try readCSV("timestamp,v\n2020-01-01,1\n", ColumnSelection(seriesColumn: "id")) }?
            .contains("--series-column names column \"id\"") == true)
    }

    @Test func invalidUTF8() throws {
        var bytes = Array("timestamp,v\n2020-01-01,1\n2020-01-02,".utf8)
        bytes += [0xC3, 0x28, 0x0A]
        let path = try temporaryFile("bad.csv", bytes)
        #expect(message { try CSVReader().read(path: path) } == "\(path):3:2: the field is not valid UTF-8 text")
        let header = try temporaryFile("badheader.csv", [0x61, 0xFF, 0x0A, 0x31, 0x0A])
        #expect(message { try CSVReader().read(path: header) } == "\(header):1:1: the field is not valid UTF-8 text")
    }

    @Test func duplicateHeaderName() {
        #expect(message { try readCSV("timestamp,v,v\n2020-01-01,1,2\n") } == "t.csv:1:3: column name \"v\" appears twice in the header")
        // A 100,000-column header (read in linear time: 0.7 s where a search per name took 21 s)
        // still finds a repeated name, here the last one.
        let names = (0..<99_999).map { "c\($0)" } + ["c5"]
        #expect(message { try readCSV("timestamp," + names.joined(separator: ",") + "\n") }
            == "t.csv:1:100001: column name \"c5\" appears twice in the header")
    }

    @Test func missingFileAndDirectory() {
        let error = #expect(throws: IngestionError.self) { try CSVReader().read(path: "/nonexistent/x.csv") }
        #expect(error?.isMissingInput == true)
        #expect(error?.description == "/nonexistent/x.csv: cannot open: No such file or directory")
        #expect(message { try CSVReader().read(path: "/tmp") } == "/tmp: cannot open: it is a directory")
    }

    @Test func seriesShorterThanWindowAndHorizon() throws {
        let f = try readCSV("timestamp,v\n2020-01-01,1\n2020-01-02,2\n2020-01-03,3\n")[0]
        #expect(message { try Windows(.manyToOne(inputLength: 3, horizon: 2), seriesLength: f.rowCount, series: f.displayName) }
            == "t.csv: series has 3 rows, fewer than the 5 needed for an input window of 3 and a horizon of 2")
    }

    @Test func missingValueUnderTheErrorPolicy() throws {
        let f = try readCSV("timestamp,v\n2020-01-01,1\n2020-01-02,\n")[0]
        #expect(message { try f.filled(.error) } == "t.csv:3:2: column \"v\": missing value (use --missing drop, ffill or interpolate)")
    }
}
