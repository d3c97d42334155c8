# The two commands a newcomer needs: `make demo` and `make test`. Both install what they need.
SWIFT        ?= swift
APT_PACKAGES := libsqlite3-dev libcsv-dev libopenblas-dev
FUZZ_RUNS    ?= 1000000
VENV         ?= .venv-bench
BENCH_OUT    := .build/bench

.PHONY: fixtures cluster-test bench-cluster bench-intervals bench-backtest bench-accuracy bench-panel bench-covariates notebooks all deps build test demo bench bench-deps fuzz clean

all: build

## deps: install the C libraries (sqlite3, libcsv, OpenBLAS) with apt-get when missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

## build: the release build of the `forecast` tool (.build/release/forecast).
build: deps
	$(SWIFT) build -c release --product forecast

## test: the whole test suite, in release (numeric tests are 10-20x slower in debug).
test: deps
	$(SWIFT) test -c release

## demo: the main job on a bundled dataset: a walk-forward backtest of the GRU against the
## baselines (the per-horizon table), stored in SQLite, one query, one plot. About a minute.
demo: build
	@rm -f .build/demo.db
	.build/release/forecast backtest datasets/air_passengers_monthly.csv --models gru,naive,seasonal-naive,drift --db .build/demo.db
	.build/release/forecast query --db .build/demo.db "SELECT model, round(value, 3) AS mase FROM metrics WHERE step IS NULL AND metric = 'mase' ORDER BY value"
	.build/release/forecast plot --db .build/demo.db --run 1 -o .build/demo-air.svg

## notebooks: re-run every command of notebooks-md/ and compare with the outputs shown.
notebooks: build
	$(SWIFT) build -c release --product HelloRNN
	$(SWIFT) build -c release --product LibraryExample
	python3 notebooks-md/run.py

## bench-deps: a Python venv with pandas and PyTorch (CPU) for the peer measurements.
bench-deps:
	@[ -x $(VENV)/bin/python ] || python3 -m venv $(VENV)
	@$(VENV)/bin/python -c "import pandas" 2>/dev/null || $(VENV)/bin/pip install -q numpy pandas
	@$(VENV)/bin/python -c "import torch" 2>/dev/null || $(VENV)/bin/pip install -q torch

## fixtures: re-make the PyTorch fixtures the engine is tested against (Tests/NeuralTests/Fixtures,
## with its generate.py, in the bench venv; safetensors too). FIXTURES=DIR writes them elsewhere.
FIXTURES ?= Tests/NeuralTests/Fixtures
fixtures: bench-deps
	@$(VENV)/bin/python -c "import safetensors" 2>/dev/null || $(VENV)/bin/pip install -q safetensors
	@mkdir -p $(FIXTURES)
	$(VENV)/bin/python Tests/NeuralTests/Fixtures/generate.py --all $(FIXTURES)

## bench: throughput as JSON lines, this tool and its peers measured in the same run.
bench: deps bench-deps
	$(SWIFT) build -c release --product ForecastBench
	@mkdir -p $(BENCH_OUT)
	.build/release/ForecastBench csv --rows 1000000 --file $(BENCH_OUT)/bench_1m.csv --repeat 1 >/dev/null
	$(VENV)/bin/python bench/csv_pandas.py $(BENCH_OUT)/bench_1m.csv --swift-bench .build/release/ForecastBench
	$(VENV)/bin/python bench/rnn_compare.py --swift-bench .build/release/ForecastBench --markdown $(BENCH_OUT)/rnn.md
	$(VENV)/bin/python bench/rnn_compare.py --swift-bench .build/release/ForecastBench --peer-threads 2 --markdown $(BENCH_OUT)/rnn-2core.md
	.build/release/ForecastBench kernels
	FORECAST_KERNELS=avx2 .build/release/ForecastBench kernels

# The 20-origin taylor backtest of the default GRU against the PyTorch loop of PROTOCOL.md
# section 6 (one thread each). The peer takes about ten minutes per origin: EVERY=4 keeps 5.
EVERY ?= 1
bench-backtest: deps bench-deps build
	$(VENV)/bin/python bench/backtest_compare.py --forecast .build/release/forecast --every $(EVERY)

## bench-accuracy: the default GRU on the 28 public series (datasets/ and datasets/dev/) under
## datasets/PROTOCOL.md beside the statsforecast reference models on the same origins
## (bench/accuracy.py, standard library only): JSON lines, then $(BENCH_OUT)/accuracy.md.
## EVERY=k runs every k-th origin counted back from the last, the references rescored on those;
## ACCURACY_FLAGS passes more, e.g. ACCURACY_FLAGS='--series a,b --resume --extra "--hidden 32"'.
ACCURACY_FLAGS ?=
bench-accuracy: build
	python3 bench/accuracy.py --forecast .build/release/forecast --every $(EVERY) --markdown $(BENCH_OUT)/accuracy.md $(ACCURACY_FLAGS)

## bench-panel: a global panel backtest of 1,000 generated hourly series (bench/make_panel.py)
## against NeuralForecast 3.3's GRU cross_validation, settings matched, on one thread, then
## two (PANEL_SERIES, PANEL_STEPS to change the size).
PANEL_SERIES ?= 1000
PANEL_STEPS  ?= 1000
bench-panel: deps bench-deps build
	@$(VENV)/bin/python -c "import neuralforecast" 2>/dev/null || $(VENV)/bin/pip install -q "neuralforecast==3.3.*"
	@mkdir -p $(BENCH_OUT)
	python3 bench/make_panel.py $(BENCH_OUT)/panel$(PANEL_SERIES).csv --series $(PANEL_SERIES)
	$(VENV)/bin/python bench/panel_compare.py $(BENCH_OUT)/panel$(PANEL_SERIES).csv --forecast .build/release/forecast --steps $(PANEL_STEPS) --threads 1
	$(VENV)/bin/python bench/panel_compare.py $(BENCH_OUT)/panel$(PANEL_SERIES).csv --forecast .build/release/forecast --steps $(PANEL_STEPS) --threads 2

## bench-covariates: covariates by role on the Chicago ridership data, against NeuralForecast 3.3's GRU
## (futr_exog_list, stat_exog_list), settings matched, one thread each (bench/covariates_compare.py;
## installs neuralforecast into the bench venv): the default GRU without and with future covariates
## on one station (a cold fit per origin), and a global GRU with future covariates and the station as
## a categorical static covariate on 20 stations (a fit per origin; one fit for all 20 origins). MASE,
## CPU and wall seconds, peak memory as JSON lines, then $(BENCH_OUT)/covariates.md. Roughly 3 hours
## (an estimate from one-origin runs: the tool about 15 CPU-minutes, NeuralForecast about 2.5 hours,
## 2 of them its 20 cold panel fits); COVARIATES_FLAGS passes more (--part station|panel, --origins K).
COVARIATES_FLAGS ?=
bench-covariates: deps bench-deps build
	@$(VENV)/bin/python -c "import neuralforecast" 2>/dev/null || $(VENV)/bin/pip install -q "neuralforecast==3.3.*"
	@mkdir -p $(BENCH_OUT)
	$(VENV)/bin/python bench/covariates_compare.py --forecast .build/release/forecast --out $(BENCH_OUT)/covariates --markdown $(BENCH_OUT)/covariates.md $(COVARIATES_FLAGS)

## cluster-test: a sharded backtest on a one-node Slurm cluster started on localhost (Debian's
## slurm-wlm and munge, installed when missing; state in .build/cluster): the job array of
## deploy/slurm (4 shards) and its merge job must give the stores of one process, exactly.
FORECAST ?= $(CURDIR)/.build/release/forecast
cluster-test: build
	FORECAST="$(FORECAST)" deploy/slurm/cluster-test.sh

## bench-cluster: sharded backtests through make cluster-test's Slurm cluster: wall time of the
## 1,000-series panel for 1, 2 and 4 shards (global GRU, cold refits), and merge times against
## shards and rows (bench/cluster_scaling.py; CLUSTER_SERIES to change the size). JSON lines.
CLUSTER_SERIES ?= 1000
bench-cluster: build
	python3 bench/cluster_scaling.py --forecast $(FORECAST) --series $(CLUSTER_SERIES)

## bench-intervals: coverage and Winkler score of the default GRU's 80% and 95% intervals (quantile
## head, Gaussian head, conformal) beside statsforecast's conformal seasonal naive, on the eight
## series under the protocol (bench/interval_compare.py; installs statsforecast and utilsforecast
## into the bench venv). JSON lines, then a Markdown table. About an hour on 2 cores.
bench-intervals: deps build
	@[ -x $(VENV)/bin/python ] || python3 -m venv $(VENV)
	@$(VENV)/bin/python -c "import statsforecast, utilsforecast" 2>/dev/null || $(VENV)/bin/pip install -q pandas statsforecast "utilsforecast==0.2.17"
	$(VENV)/bin/python bench/interval_compare.py --forecast .build/release/forecast

## fuzz: libFuzzer over the CSV reader and over model files (safetensors header, metadata,
## weights, fitted state; seeds: Fuzz/model-seeds), $(FUZZ_RUNS) inputs each (ASan on).
# SwiftPM hands -sanitize=fuzzer to the driver but not to the frontend jobs of library
# modules, which then carry no coverage (libFuzzer saw 65 edges of the model reader, all
# in C): the coverage flags are passed explicitly.
FUZZ_FLAGS := --sanitize fuzzer --sanitize address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table
fuzz: deps
	$(SWIFT) build --scratch-path .build-fuzz --product CSVFuzz $(FUZZ_FLAGS)
	$(SWIFT) build --scratch-path .build-fuzz --product ModelFuzz $(FUZZ_FLAGS)
	@mkdir -p .build-fuzz/corpus .build-fuzz/model-corpus
	.build-fuzz/debug/CSVFuzz -runs=$(FUZZ_RUNS) -max_len=2048 -print_final_stats=1 .build-fuzz/corpus Fuzz/seeds
	.build-fuzz/debug/ModelFuzz -runs=$(FUZZ_RUNS) -max_len=4096 -print_final_stats=1 .build-fuzz/model-corpus Fuzz/model-seeds

clean:
	rm -rf .build .build-fuzz $(VENV)
