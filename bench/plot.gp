# Ratios of a make bench run (scripts/bench.sh's median CSV without its p99
# rows): column 5, the median ratio of device figure over baseline
# (throughput, rate) or baseline over device (latency p50), and for
# throughput figures column 6, the same per second of CPU time the engine
# and the baseline's thread got (what the engine does with the CPU it gets),
# with the issue's 0.9 target. Usage:
#   gnuplot -e "csv='bench.csv'; out='perf.png'" bench/plot.gp
set datafile separator ","
set terminal pngcairo size 1000,520 font ",10" noenhanced
set output out
set title "siovd virtual DSA against same-run baselines (ratio, higher is better)"
set style fill solid 0.8 border -1
set boxwidth 0.36
set yrange [0:2.5]
set ylabel "ratio"
set xtics rotate by -35 left
set grid ytics
set key top left
set rmargin 14
islat(f) = substr(f, 1, 4) eq "lat-"
min(a, b) = a < b ? a : b
label(f, s) = islat(f) ? sprintf("%s p50", f) : (f eq "rate64" ? "64 B rate" : sprintf("%s %d KiB", f, s / 1024))
plot csv using ($0 - 0.19):5:xtic(label(strcol(1), $2)) with boxes lc rgb "#4477aa" \
         title "ratio (wall clock, median of runs)", \
     csv using ($0 + 0.19):6 with boxes lc rgb "#aaccee" title "per second of CPU time", \
     csv using ($0 - 0.19):(min($5, 2.35)):(sprintf("%.2f", $5)) with labels offset 0,0.7 \
         notitle, \
     0.9 with lines dt 2 lc rgb "#cc3311" title "target 0.9"
