import Foundation
import Testing
import TimeSeries
@testable import Backtesting
@testable import Forecasting

/// Shards of a run (issue 17): every piece of work in exactly one shard, by a rule that
/// depends on the run only, and the shards together compute what one process computes.
@Suite struct ShardTests {
    @Test func parsesIOverNAndRefusesEverythingElse() {
        #expect(Shard("2/4") == Shard(index: 2, count: 4))
        #expect(Shard("0/1") == .whole)
        for bad in ["4/4", "-1/4", "1/0", "0/0", "a/b", "1/2/3", "1", "/4", "1/", " 1/4", ""] {
            #expect(Shard(bad) == nil, "\(bad)")
        }
    }

    /// The series hash is FNV-1a 64 of the name's bytes (the published test vectors), so the
    /// assignment is the same on every machine and run.
    @Test func theSeriesHashIsFNV1a() {
        #expect(Shard.hash("") == 0xcbf2_9ce4_8422_2325)
        #expect(Shard.hash("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(Shard.hash("foobar") == 0x8594_4171_f739_67e8)
        #expect(Shard(index: Int(UInt64(0xaf63_dc4c_8601_ec8c) % 7), count: 7)!.owns(series: "a"))
    }

    /// Every series is in exactly one shard, whatever the count, and the shards get about
    /// as many series each.
    @Test(arguments: [1, 2, 3, 4, 7, 16])
    func everySeriesIsInExactlyOneShard(_ count: Int) {
        let names = (0..<1000).map { "sensor\($0)" }
        var sizes = Array(repeating: 0, count: count)
        for name in names {
            let owners = (0..<count).filter { Shard(index: $0, count: count)!.owns(series: name) }
            #expect(owners.count == 1, "\(name)")
            sizes[owners[0]] += 1
        }
        let fair = 1000 / count
        #expect(sizes.allSatisfy { abs($0 - fair) <= fair / 4 + 5 }, "\(sizes)")
    }

    /// Every origin is in exactly one shard, a chain of refits (a warm chain, a refit block)
    /// whole in one, for cold and warm refits and refit blocks.
    @Test(arguments: [(Backtest.Refit.cold, 1), (.cold, 3), (.warm(chain: 2, steps: 1), 1), (.warm(chain: 3, steps: 1), 2)])
    func everyOriginIsInExactlyOneShardWithItsChain(_ refit: Backtest.Refit, _ refitEvery: Int) {
        var plan = Backtest(origins: Origins(count: 13, step: 1, seriesLength: 100, horizon: 5), horizon: 5, season: 1,
                            refitEvery: refitEvery, refit: refit)
        let all = plan.shardChains
        for count in 1...5 {
            var seen: [Int] = []
            for index in 0..<count {
                plan.shard = Shard(index: index, count: count)!
                let chains = plan.shardChains
                #expect(chains.allSatisfy { chain in all.contains(chain) })
                seen += plan.shardOrigins
                if count > 1, all.count >= count { #expect(!chains.isEmpty) }
            }
            #expect(seen.sorted() == Array(0..<13), "\(count) shards")
        }
    }

    /// The outcomes of the shards of a backtest together are those of one run, bit for bit.
    @Test func shardsTogetherGiveTheOutcomesOfOneRun() throws {
        let y = (0..<120).map { (t: Int) -> Double in
            let trend = 10 + Double(t) * 0.1, wave = 3 * sin(Double(t) * 0.9)
            return trend + wave + Double((t * 7) % 5)
        }
        let input = Backtest.Input(name: "s", target: y)
        let models = [ModelKind.naive, .seasonalNaive, .drift, .mean].map { kind in
            Backtest.Model(name: kind.rawValue) { kind.make(RecurrentConfiguration(horizon: 6, season: 7)) }
        }
        var plan = Backtest(origins: Origins(count: 9, step: 4, seriesLength: y.count, horizon: 6), horizon: 6, season: 7,
                            refitEvery: 2)
        let whole = try plan.run(models, on: input)
        var merged: [Int: [Metrics.Outcome]] = [:]
        for index in 0..<3 {
            plan.shard = Shard(index: index, count: 3)!
            let part = try plan.run(models, on: input)
            #expect(Set(part.keys) == Set(plan.shardOrigins))
            merged.merge(part) { a, _ in a }
        }
        #expect(merged.keys.sorted() == whole.keys.sorted())
        for (origin, outcomes) in whole {
            let other = try #require(merged[origin])
            #expect(zip(outcomes, other).allSatisfy { $0.forecast == $1.forecast && $0.trainLength == $1.trainLength })
        }
    }

    /// A panel's (series, origin) pairs are in exactly one shard, by global origin.
    @Test func panelKeysAreInExactlyOneShard() {
        let lengths = [60, 50, 45]
        let series = lengths.enumerated().map { s, n in
            PanelBacktest.Series(input: Backtest.Input(name: "s\(s)", target: Array(repeating: 1, count: n)),
                                 backtest: Backtest(origins: Origins(count: n / 10, step: 3, seriesLength: n, horizon: 3),
                                                    horizon: 3, season: 1))
        }
        let whole = PanelBacktest(series: series).shardKeys
        #expect(whole.count == 6 + 5 + 4)
        var seen: [PanelBacktest.Key] = []
        for index in 0..<4 {
            seen += PanelBacktest(series: series, shard: Shard(index: index, count: 4)!).shardKeys
        }
        #expect(seen.sorted() == whole.sorted())
    }
}
