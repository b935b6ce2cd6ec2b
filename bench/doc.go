// Package bench measures each part of Meldwijzer side by side with its ceiling, as ratios, for
// `make bench`: one table on stdout and the same figures as JSON in build/bench.json.
//
// The machine it runs on is small and noisy (2 cores), so every figure is a ratio of two
// measurements taken in turns in the same process (A, B, B, A, ...), never an absolute
// number compared with a figure from another day. All load is on loopback.
//
// It is a benchmark, not a test, so that `go test ./...` does not run it:
//
//	go test -run '^$' -bench '^BenchmarkMeldwijzer$' -benchtime 1x -timeout 10m -v ./bench
//
// Environment: MELDWIJZER_BIN (the local binary for the Lighthouse audit; built into a
// temporary directory when unset), BENCH_JSON (default ../build/bench.json, relative to this
// directory), CHROMIUM (default /usr/bin/chromium). It needs what `make test` needs: npm ci in
// tools/ (DynamoDB Local, Lighthouse), Java 17, aws-lambda-rie and qemu-user-static.
package bench
