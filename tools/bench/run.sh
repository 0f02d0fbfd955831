#!/usr/bin/env bash
# make bench: plan-check's benchmarks on plans written as Terraform writes them
# (plantest.Presets), and the whole process side by side with a bare generic decode
# (encoding/json into any) and the standard library's streaming tokenizer (jsontext).
# Usage: tools/bench/run.sh BINARY [DIR]   (DIR: where plans and tools go, default /tmp/ekspodsec-bench)
set -euo pipefail
bin=$(realpath "$1")
dir=${2:-/tmp/ekspodsec-bench}
rounds=${BENCH_ROUNDS:-3}
cd "$(dirname "$0")/../.."
mkdir -p "$dir"

echo "== go benchmarks (one core: GOMAXPROCS=1)"
GOMAXPROCS=1 go test -run '^$' -bench '^Benchmark(PlanCheck|GenericDecode)$' -benchmem -count 1 ./internal/plancheck/
GOMAXPROCS=1 go test -run '^$' -bench '^BenchmarkPlanCheck(Worst|Scale)$' -benchtime 1x -benchmem -count 1 -timeout 30m ./internal/plancheck/
echo "== the tape and the scanner against encoding/json/jsontext (GOEXPERIMENT=jsonv2)"
GOEXPERIMENT=jsonv2 GOMAXPROCS=1 go test -run '^$' -bench JSONText -benchmem -count 1 ./internal/plan/

echo "== plans"
go build -o "$dir/genplan" ./internal/testutil/plantest/genplan
for p in deployments mix worst; do "$dir/genplan" -preset "$p" > "$dir/plan-$p.json"; done
"$dir/genplan" -preset deployments -n 1000 > "$dir/plan-deployments-1k.json"
"$dir/genplan" -preset deployments -n 20000 > "$dir/plan-deployments-20k.json"
ls -l "$dir"/plan-*.json | awk '{printf "%s: %.1f MB\n", $NF, $5/1e6}'
(cd tools && go build -o "$dir/decodeany" ./bench/decodeany && go build -o "$dir/sidebyside" ./bench/sidebyside &&
	GOEXPERIMENT=jsonv2 go build -o "$dir/tokens" ./bench/tokens)

echo "== the whole process, side by side ($rounds rounds; wall, CPU and peak RSS as /usr/bin/time -f '%e %M' reports them)"
"$dir/sidebyside" -rounds "$rounds" -base decode \
	-plan deployments="$dir/plan-deployments.json" -plan mix="$dir/plan-mix.json" -plan worst="$dir/plan-worst.json" \
	-cmd "plan-check=$bin plan-check --format json --output /dev/null {plan}" \
	-cmd "decode=$dir/decodeany {plan}" -cmd "jsontext=$dir/tokens {plan}"
echo "== linear from 1,000 to 20,000 Deployments"
"$dir/sidebyside" -rounds "$rounds" -base decode \
	-plan 1k="$dir/plan-deployments-1k.json" -plan 20k="$dir/plan-deployments-20k.json" \
	-cmd "plan-check=$bin plan-check --format json --output /dev/null {plan}" -cmd "decode=$dir/decodeany {plan}"
