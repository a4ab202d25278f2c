# Medians over several bench_vdsa --csv files (scripts/bench.sh BENCH_RUNS).
# Input rows: "figure,size,siovd,baseline,ratio" and, for throughput figures
# with --siovd-pid, "figure-cpu,size,,,cpu_ratio,engine_wait".
# Output, one row per figure and size in first-seen order:
#   figure,size,siovd,baseline,ratio,cpu_ratio,engine_wait,runs,ratio_1;ratio_2;...
# every value the median over the runs (cpu_ratio and engine_wait empty where
# the figure has none). Usage: awk -F, -f median.awk run1.csv run2.csv ...
function median(list,    v, n, i, j, t) {
	n = split(list, v, ";")
	for (i = 2; i <= n; i++)		# insertion sort, numeric
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function add(key, col, val,    had) {
	had = (key, col) in vals
	if (had)
		vals[key, col] = vals[key, col] ";" val
	else
		vals[key, col] = val
}
{
	fig = $1
	if (fig ~ /-cpu$/) {
		key = substr(fig, 1, length(fig) - 4) "," $2
		add(key, "cpu", $5)
		add(key, "wait", $6)
		next
	}
	key = fig "," $2
	if (!(key in seen)) {
		seen[key] = 1
		order[++nkeys] = key
	}
	add(key, "dev", $3)
	add(key, "base", $4)
	add(key, "ratio", $5)
}
END {
	for (k = 1; k <= nkeys; k++) {
		key = order[k]
		cpu = (key, "cpu") in vals ? sprintf("%.3f", median(vals[key, "cpu"])) : ""
		wait = (key, "wait") in vals ? sprintf("%.3f", median(vals[key, "wait"])) : ""
		printf "%s,%.1f,%.1f,%.3f,%s,%s,%d,%s\n", key, median(vals[key, "dev"]),
		       median(vals[key, "base"]), median(vals[key, "ratio"]), cpu, wait,
		       split(vals[key, "ratio"], tmp, ";"), vals[key, "ratio"]
	}
}
