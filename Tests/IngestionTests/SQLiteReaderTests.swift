import Foundation
import Testing
import TestSupport
@testable import Ingestion
import SQLite
import TimeSeries

@Suite struct SQLiteReaderTests {
    func database(_ sql: String) throws -> String {
        let path = temporaryPath("reader.db")
        try Connection(path: path).execute(sql)
        return path
    }

    @Test func integerRealAndTextTimestamps() throws {
        let path = try database("""
            CREATE TABLE readings(ts TEXT, epoch INTEGER, fepoch REAL, value REAL, label TEXT);
            INSERT INTO readings VALUES ('2020-01-01T00:00:00Z', 1577836800, 1577836800.0, 1.5, 'a');
            INSERT INTO readings VALUES ('2020-01-01T01:00:00Z', 1577840400, 1577840400.0, NULL, 'b');
            INSERT INTO readings VALUES ('2020-01-01T02:00:00Z', 1577844000, 1577844000.0, '2.5', 'c');
            """)
        let text = try SQLiteReader(selection: ColumnSelection(timeColumn: "ts", target: "value")).read(database: path, table: "readings")[0]
        #expect(try text.values(of: "value")[0] == 1.5)
        #expect(text.columns[0].missing.missingCount == 1)
        #expect(try text.values(of: "value")[2] == 2.5)
        let integer = try SQLiteReader(selection: ColumnSelection(timeColumn: "epoch", target: "value")).read(database: path, table: "readings")[0]
        let real = try SQLiteReader(selection: ColumnSelection(timeColumn: "fepoch", target: "value")).read(database: path, table: "readings")[0]
        #expect(integer.timestamps == text.timestamps)
        #expect(real.timestamps == text.timestamps)
        #expect(integer.frequencyReport.frequency?.name == "1h")
    }

    @Test func queryAndErrors() throws {
        let path = try database("""
            CREATE TABLE t(date TEXT, v REAL); INSERT INTO t VALUES ('2020-01-01', 1), ('2020-01-02', 'x');
            """)
        let rows = try SQLiteReader().read(database: path, query: "SELECT date, v * 1.0 AS v FROM t WHERE date < '2020-01-02'")
        #expect(rows[0].rowCount == 1)
        #expect(message { try SQLiteReader(selection: ColumnSelection(target: "v")).read(database: path, table: "t") }
            == "\(path) (table t): row 2, column 2: column \"v\": expected a number, found \"x\"")
        #expect(message { try SQLiteReader().read(database: path, table: "nope") } == "\(path): no table \"nope\"; the tables are: t")
        #expect(message { try SQLiteReader().read(database: path, query: "DELETE FROM t") }
            == "\(path): --sql must be a read-only query (SELECT ...)")
        let missing = #expect(throws: IngestionError.self) { try SQLiteReader().read(database: path + ".none", table: "t") }
        #expect(missing?.isMissingInput == true)
    }

    @Test func numericTimestampsOutsideEpochSecondsAndInfiniteValuesAreRefused() throws {
        let path = try database("""
            CREATE TABLE ns(t INTEGER, v REAL); INSERT INTO ns VALUES (1577836800, 1), (1577836800000000000, 2);
            CREATE TABLE huge(t REAL, v REAL); INSERT INTO huge VALUES (1e300, 1);
            CREATE TABLE edge(t INTEGER, v REAL); INSERT INTO edge VALUES (-999999999999, 1), (999999999999, 2);
            CREATE TABLE inf(t INTEGER, v REAL); INSERT INTO inf VALUES (0, 1), (1, 1e999);
            """)
        func read(_ table: String) throws -> Frame {
            try SQLiteReader(selection: ColumnSelection(timeColumn: "t", target: "v")).read(database: path, table: table)[0]
        }
        #expect(message { try read("ns") } == "\(path) (table ns): row 2, column 1: column \"t\": expected epoch seconds within ±999999999999, found 1.5778368e+18 (divide a millisecond or nanosecond epoch first)")
        #expect(message { try read("huge") }?.hasPrefix("\(path) (table huge): row 1, column 1: column \"t\": expected epoch seconds within") == true)
        let edge = try read("edge")
        #expect(edge.timestamps?.map(\.microseconds) == [-999_999_999_999_000_000, 999_999_999_999_000_000], "\(String(describing: edge.timestamps))")
        #expect(message { try read("inf") } == "\(path) (table inf): row 2, column 2: column \"v\": expected a finite number, found \"inf\", which is beyond a double's range")
    }

    @Test func datasetRoundTripThroughSQLite() throws {
        let csv = try CSVReader().read(path: dataset("nyc_ewr_weather_hourly.csv"))[0]
        let path = try database("CREATE TABLE w(timestamp TEXT, temperature_f REAL)")
        let db = try Connection(path: path)
        let insert = try db.prepare("INSERT INTO w VALUES (?, ?)")
        let values = try csv.values(of: "temperature_f")
        try db.transaction {
            for (t, v) in zip(csv.timestamps ?? [], values) {
                try insert.run([.text(t.formatted(.utc)), v.isNaN ? .null : .real(v)])
            }
        }
        let f = try SQLiteReader().read(database: path, table: "w")[0]
        #expect(f.timestamps == csv.timestamps)
        #expect(f.columns[0].missing.missingCount == 28)
    }
}
