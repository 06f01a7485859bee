package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// profiles takes a CPU profile of the app while wrk drives each scenario once
// more, through the pprof endpoint that BENCH_ROUTES enables, and keeps the top
// of each for the report.
func (b *bench) profiles(ctx context.Context) error {
	b.profilesTop = map[string]string{}
	secs := int(b.o.profile.Seconds())
	for _, sc := range b.scenarios {
		done := make(chan error, 1)
		go func() {
			_, err := b.runOnce(ctx, sc, b.o.profile+b.o.profile/2, false)
			done <- err
		}()
		file := filepath.Join(b.o.work, "cpu-"+sc.key+".pprof")
		err := fetch(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", b.base, secs), file)
		if werr := <-done; err == nil {
			err = werr
		}
		if err != nil {
			return fmt.Errorf("profile %s: %w", sc.key, err)
		}
		// Cumulative: which layers (HTTP, middleware, Redis, database, templ)
		// the time is spent under, rather than only the leaf functions.
		out, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-cum", "-nodecount=30", b.o.app, file).CombinedOutput()
		if err != nil {
			return fmt.Errorf("pprof %s: %w\n%s", sc.key, err, out)
		}
		b.profilesTop[sc.key] = trimPprof(string(out))
		log.Printf("profiled %s", sc.key)
	}
	return nil
}

func fetch(url, file string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// trimPprof drops pprof's header lines that name files and build ids.
func trimPprof(s string) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "File:") || strings.HasPrefix(line, "Build ID:") || strings.HasPrefix(line, "Type:") || strings.HasPrefix(line, "Time:") {
			continue
		}
		if line != "" {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n") + "\n"
}

func kernel() string {
	var u syscall.Utsname
	if syscall.Uname(&u) != nil {
		return "linux"
	}
	var sb strings.Builder
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		sb.WriteByte(byte(c))
	}
	return "Linux " + sb.String()
}
