// Command sidebyside runs commands over plans in turn, several rounds, and reports each
// command's wall time and peak RSS (the process's getrusage maximum resident set size, what
// /usr/bin/time -f %M reports) as medians, and the wall time as a multiple of a base
// command's on the same plan: plan-check against a bare generic decode, measured side by
// side on a shared machine, where only interleaved runs compare.
//
//	sidebyside -rounds 5 -base decode \
//	  -plan deployments=/tmp/plan-deployments.json -plan mix=/tmp/plan-mix.json \
//	  -cmd 'plan-check=bin/terraform-provider-ekspodsec plan-check --format json --output /dev/null {plan}' \
//	  -cmd 'decode=decodeany {plan}'
//
// A command may exit 0 or 1 (plan-check's "findings"); anything else stops the run.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"time"
)

type named struct{ name, value string }

type list []named

func (l *list) String() string { return fmt.Sprint(*l) }
func (l *list) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || name == "" || value == "" {
		return fmt.Errorf("%q: want NAME=VALUE", v)
	}
	*l = append(*l, named{name, value})
	return nil
}

type sample struct {
	wall, cpu time.Duration // cpu: user + system
	rss       int64         // bytes
}

func main() {
	var plans, cmds list
	rounds := flag.Int("rounds", 5, "rounds (each runs every command on every plan once, in a rotating order)")
	base := flag.String("base", "", "the command the others' wall time is divided by")
	flag.Var(&plans, "plan", "NAME=PATH of a plan (repeatable)")
	flag.Var(&cmds, "cmd", "NAME=COMMAND LINE with {plan} for the plan's path (repeatable; split on spaces)")
	flag.Parse()
	if len(plans) == 0 || len(cmds) == 0 {
		fmt.Fprintln(os.Stderr, "sidebyside: give at least one -plan and one -cmd")
		os.Exit(2)
	}
	samples := map[[2]string][]sample{}
	for r := 0; r < *rounds; r++ {
		for _, p := range plans {
			for i := range cmds {
				c := cmds[(i+r)%len(cmds)]
				s, err := run(c.value, p.value)
				if err != nil {
					fmt.Fprintf(os.Stderr, "sidebyside: %s on %s: %v\n", c.name, p.name, err)
					os.Exit(1)
				}
				k := [2]string{p.name, c.name}
				samples[k] = append(samples[k], s)
			}
		}
	}
	fmt.Printf("| plan | size | command | wall (median of %d; min–max) | CPU user+sys | peak RSS (median) | RSS vs 2×plan+64 MB |", *rounds)
	if *base != "" {
		fmt.Printf(" wall / %s | CPU / %s |", *base, *base)
	}
	fmt.Println()
	fmt.Print("|---|---|---|---|---|---|---|")
	if *base != "" {
		fmt.Print("---|---|")
	}
	fmt.Println()
	for _, p := range plans {
		st, err := os.Stat(p.value)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sidebyside:", err)
			os.Exit(1)
		}
		size := st.Size()
		budget := 2*size + 64<<20
		bm := median(samples[[2]string{p.name, *base}])
		for _, c := range cmds {
			ss := samples[[2]string{p.name, c.name}]
			m := median(ss)
			lo, hi := spread(ss)
			fmt.Printf("| %s | %.1f MB | %s | %.2f s (%.2f–%.2f) | %.2f s | %.0f MB (%.1f× plan) | %.0f%% |", p.name, mb(size), c.name,
				m.wall.Seconds(), lo.Seconds(), hi.Seconds(), m.cpu.Seconds(), mb(m.rss), float64(m.rss)/float64(size), 100*float64(m.rss)/float64(budget))
			if *base != "" {
				fmt.Printf(" %.2f× | %.2f× |", m.wall.Seconds()/bm.wall.Seconds(), m.cpu.Seconds()/bm.cpu.Seconds())
			}
			fmt.Println()
		}
	}
}

func mb(b int64) float64 { return float64(b) / 1e6 }

func run(cmdline, plan string) (sample, error) {
	args := strings.Fields(strings.ReplaceAll(cmdline, "{plan}", plan))
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = nil, os.Stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil
	}
	if err != nil {
		return sample{}, err
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return sample{}, fmt.Errorf("no resource usage")
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return sample{wall: wall, cpu: cpu, rss: ru.Maxrss * 1024}, nil
}

func median(ss []sample) sample {
	if len(ss) == 0 {
		return sample{}
	}
	w := append([]sample(nil), ss...)
	sort.Slice(w, func(i, j int) bool { return w[i].wall < w[j].wall })
	r := append([]sample(nil), ss...)
	sort.Slice(r, func(i, j int) bool { return r[i].rss < r[j].rss })
	c := append([]sample(nil), ss...)
	sort.Slice(c, func(i, j int) bool { return c[i].cpu < c[j].cpu })
	return sample{wall: w[len(w)/2].wall, cpu: c[len(c)/2].cpu, rss: r[len(r)/2].rss}
}

func spread(ss []sample) (lo, hi time.Duration) {
	for i, s := range ss {
		if i == 0 || s.wall < lo {
			lo = s.wall
		}
		if s.wall > hi {
			hi = s.wall
		}
	}
	return lo, hi
}
