package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what one wrk run reports.
type wrkResult struct {
	requests   int64
	rps        float64
	p50, p99   time.Duration
	socketErrs int64 // connect + read + write + timeout
	non2xx     int64 // wrk counts status >= 400 here (3xx are a success for login)
	output     string
}

var (
	reqsPerSec = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	totalReqs  = regexp.MustCompile(`(\d+) requests in`)
	percentile = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.000)?%\s+([0-9.]+)(us|ms|s)\s*$`)
	socketErrs = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	non2xx     = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

// runWrkEnv runs wrk with the given environment (for its Lua scripts) and
// arguments, pinned to clientCPU when >= 0, and parses its summary.
func runWrkEnv(ctx context.Context, clientCPU int, env []string, args ...string) (wrkResult, error) {
	var cmd *exec.Cmd
	if clientCPU >= 0 {
		cmd = exec.CommandContext(ctx, "taskset", append([]string{"-c", strconv.Itoa(clientCPU), "wrk"}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, "wrk", args...)
	}
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	return parseWrk(out.String())
}

func parseWrk(s string) (wrkResult, error) {
	r := wrkResult{output: s}
	m := reqsPerSec.FindStringSubmatch(s)
	n := totalReqs.FindStringSubmatch(s)
	if m == nil || n == nil {
		return r, fmt.Errorf("cannot parse wrk output:\n%s", s)
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	r.requests, _ = strconv.ParseInt(n[1], 10, 64)
	for _, p := range percentile.FindAllStringSubmatch(s, -1) {
		v, _ := strconv.ParseFloat(p[2], 64)
		d := time.Duration(v * float64(map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[p[3]]))
		if p[1] == "50" {
			r.p50 = d
		} else {
			r.p99 = d
		}
	}
	if e := socketErrs.FindStringSubmatch(s); e != nil {
		for _, x := range e[1:] {
			v, _ := strconv.ParseInt(x, 10, 64)
			r.socketErrs += v
		}
	}
	if e := non2xx.FindStringSubmatch(s); e != nil {
		r.non2xx, _ = strconv.ParseInt(e[1], 10, 64)
	}
	return r, nil
}

// cpuTicks is utime+stime of a process (fields 14 and 15 of /proc/PID/stat), in
// clock ticks; with children it also adds cutime+cstime (16, 17) of the exited
// children it waited for, and the live descendants' own times.
func cpuTicks(pid int, withChildren bool) int64 {
	f := statFields(pid)
	if len(f) < 15 {
		return 0
	}
	// f[0] is field 3 (state), so field N is f[N-3].
	total := atoi(f[11]) + atoi(f[12])
	if withChildren {
		total += atoi(f[13]) + atoi(f[14])
		for _, child := range descendants(pid) {
			if cf := statFields(child); len(cf) >= 13 {
				total += atoi(cf[11]) + atoi(cf[12])
			}
		}
	}
	return total
}

func statFields(pid int) []string {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return nil
	}
	return strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
}

func atoi(s string) int64 { v, _ := strconv.ParseInt(s, 10, 64); return v }

// descendants lists the pids below root (PostgreSQL's backends and workers).
func descendants(root int) []int {
	entries, _ := os.ReadDir("/proc")
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if f := statFields(pid); len(f) > 1 {
			ppid, _ := strconv.Atoi(f[1])
			children[ppid] = append(children[ppid], pid)
		}
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		out = append(out, children[p]...)
		queue = append(queue, children[p]...)
	}
	return out
}

// clockTick is USER_HZ (100 on Linux for every common architecture).
const clockTick = 100

// cpuSample is the CPU time used so far by the system under test.
type cpuSample struct{ app, pg, redis int64 }

func sampleCPU(appPID, pgPID, redisPID int) cpuSample {
	return cpuSample{app: cpuTicks(appPID, false), pg: cpuTicks(pgPID, true), redis: cpuTicks(redisPID, false)}
}

// perRequest turns a CPU tick difference into microseconds per request.
func perRequest(ticks, requests int64) float64 {
	if requests == 0 {
		return 0
	}
	return float64(ticks) * 1e6 / clockTick / float64(requests)
}

// writeLoginPool writes the login forms for one login run as a Lua table.
func writeLoginPool(path, cookie string, pool []loginForm) error {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	fmt.Fprintf(w, "return {\n")
	for _, ps := range pool {
		fmt.Fprintf(w, "  {%q, %q},\n", cookie+"="+ps.id, loginBody(ps))
	}
	fmt.Fprintf(w, "}\n")
	w.Flush()
	return os.WriteFile(path, b.Bytes(), 0o600)
}
