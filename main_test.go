package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/services"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":3000" || cfg.DatabaseURL != "" || cfg.RedisURL != "" || !cfg.Development || cfg.CookieSecure || !cfg.SeedDemo {
		t.Fatalf("embedded default: %+v", cfg)
	}
	if cfg.SessionIdleTimeout != 30*time.Minute || cfg.SessionMaxLifetime != 12*time.Hour {
		t.Fatalf("session limits %v / %v", cfg.SessionIdleTimeout, cfg.SessionMaxLifetime)
	}
	if cfg.RequestTimeout != 1500*time.Millisecond || cfg.ReadTimeout != 10*time.Second ||
		cfg.WriteTimeout != 15*time.Second || cfg.IdleTimeout != 60*time.Second {
		t.Fatalf("timeouts: request %v read %v write %v idle %v", cfg.RequestTimeout, cfg.ReadTimeout, cfg.WriteTimeout, cfg.IdleTimeout)
	}
}

func TestLoadConfigProduction(t *testing.T) {
	cfg, err := loadConfig(envMap(map[string]string{
		"DATABASE_URL": "postgres://db/shop", "REDIS_URL": "redis://cache:6379/0", "PORT": "8080",
		"SESSION_IDLE_TIMEOUT": "2s", "SESSION_MAX_LIFETIME": "5s", "LOGIN_IP_LIMIT": "3/1m",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":8080" || cfg.Development || !cfg.CookieSecure || cfg.SeedDemo {
		t.Fatalf("production: %+v", cfg)
	}
	if cfg.SessionIdleTimeout != 2*time.Second || cfg.SessionMaxLifetime != 5*time.Second || cfg.Throttle.LoginPerIP.Limit != 3 {
		t.Fatalf("overrides not applied: %+v", cfg)
	}
	cfg, _ = loadConfig(envMap(map[string]string{"DATABASE_URL": "postgres://db/shop", "COOKIE_SECURE": "false", "ADDR": "127.0.0.1:9"}))
	if cfg.CookieSecure || cfg.Addr != "127.0.0.1:9" {
		t.Fatalf("COOKIE_SECURE=false / ADDR ignored: %+v", cfg)
	}
}

func TestLoadConfigRefusesBadValues(t *testing.T) {
	for k, v := range map[string]string{
		"SESSION_IDLE_TIMEOUT": "soon", "COOKIE_SECURE": "maybe", "APP_ENV": "staging",
		"LOGIN_IP_LIMIT": "ten", "REDIS_URL": "localhost:6379", "LOG_LEVEL": "loud",
		"REQUEST_TIMEOUT": "0s", "READ_TIMEOUT": "-1s", "IDLE_TIMEOUT": "forever", "SHUTDOWN_DRAIN": "-1s",
	} {
		if _, err := loadConfig(envMap(map[string]string{k: v})); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: error %v, want one naming %s", k, v, err, k)
		}
	}
}

// TestRunEmbeddedDefault is `go run .` on a machine with nothing but Go: it must
// create and migrate the SQLite file and serve demo products.
func TestRunEmbeddedDefault(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(wd) })

	ctx, cancel := context.WithCancel(context.Background())
	logR, logW := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, envMap(map[string]string{"ADDR": "127.0.0.1:0"}), logW) }()

	addr := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`storefront listening"? addr=(\S+)`)
		sc := bufio.NewScanner(logR)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("no listening line within 30s")
	}

	// Demo products appear once the background migration and seeding finish.
	var body string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		resp, err := http.Get(base + "/products")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			if resp.StatusCode == http.StatusOK && strings.Contains(body, "Walnut serving board") {
				break
			}
		}
		time.Sleep(50 * time.Millisecond) // polling interval of a bounded wait, not synchronisation by sleep
	}
	if !strings.Contains(body, "Walnut serving board") {
		t.Fatalf("demo products not served:\n%.1000s", body)
	}
	if _, err := os.Stat("storefront.db"); err != nil {
		t.Fatalf("SQLite file not created in the working directory: %v", err)
	}
	// Files and mail on their embedded defaults: ./data/files, and the outbox listed.
	if st, err := os.Stat(filepath.Join("data", services.BlobDir)); err != nil || !st.IsDir() {
		t.Fatalf("file store directory not created under ./data: %v", err)
	}
	if resp, err := http.Get(base + "/dev/mail"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /dev/mail in development: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
	logW.Close()
}

func TestRunUnknownCommand(t *testing.T) {
	err := run(context.Background(), []string{"frobnicate"}, envMap(map[string]string{"DATABASE_URL": t.TempDir() + "/x.db"}), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Fatalf("err = %v", err)
	}
}

func TestRunMigrateCommand(t *testing.T) {
	dbFile := t.TempDir() + "/shop.db"
	if err := run(context.Background(), []string{"migrate"}, envMap(map[string]string{"DATABASE_URL": dbFile}), io.Discard); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(dbFile); err != nil || st.Size() == 0 {
		t.Fatalf("migrate did not create the database: %v", err)
	}
}
