package main

import (
	"strings"
	"testing"
)

func TestLoadConfigMailAndFiles(t *testing.T) {
	cfg, err := loadConfig(envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SMTPURL != "" || cfg.MailFrom != "Storefront <shop@localhost>" || cfg.PublicURL != "http://localhost:3000" ||
		cfg.DataDir != "data" || cfg.BlobURL != "" {
		t.Fatalf("defaults: %+v", cfg)
	}
	for env, want := range map[string]string{
		"PORT=8080":                                "http://localhost:8080",
		"ADDR=127.0.0.1:9":                         "http://127.0.0.1:9",
		"ADDR=0.0.0.0:80":                          "http://localhost:80",
		"ADDR=[::]:3001":                           "http://localhost:3001",
		"PUBLIC_URL=https://shop.example.com/":     "https://shop.example.com",
		"PUBLIC_URL=http://127.0.0.1:8080":         "http://127.0.0.1:8080",
		"PUBLIC_URL=HTTPS://Shop.Example.com:8443": "https://Shop.Example.com:8443",
	} {
		k, v, _ := strings.Cut(env, "=")
		cfg, err := loadConfig(envMap(map[string]string{k: v}))
		if err != nil || cfg.PublicURL != want {
			t.Errorf("%s: PUBLIC_URL %q, %v; want %q", env, cfg.PublicURL, err, want)
		}
	}
	prod := map[string]string{
		"DATABASE_URL": "postgres://db/shop", "SMTP_URL": "smtps://u:p@mail.example.com", "MAIL_FROM": "Shop <shop@example.com>",
		"PUBLIC_URL": "https://shop.example.com", "DATA_DIR": "/var/lib/shop", "BLOB_URL": "s3://uploads?region=eu-west-1",
	}
	cfg, err = loadConfig(envMap(prod))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SMTPURL != prod["SMTP_URL"] || cfg.MailFrom != prod["MAIL_FROM"] || cfg.PublicURL != prod["PUBLIC_URL"] ||
		cfg.DataDir != "/var/lib/shop" || cfg.BlobURL != prod["BLOB_URL"] {
		t.Fatalf("production: %+v", cfg)
	}
	// Production mail needs a real sender and the public address for links.
	for _, missing := range []string{"PUBLIC_URL", "MAIL_FROM"} {
		env := map[string]string{}
		for k, v := range prod {
			env[k] = v
		}
		delete(env, missing)
		if _, err := loadConfig(envMap(env)); err == nil || !strings.Contains(err.Error(), missing+" is required") {
			t.Errorf("production SMTP without %s: %v", missing, err)
		}
	}
	// Development mail and production without mail need neither.
	if _, err := loadConfig(envMap(map[string]string{"SMTP_URL": "smtp://127.0.0.1:1025"})); err != nil {
		t.Errorf("development SMTP: %v", err)
	}
	if _, err := loadConfig(envMap(map[string]string{"DATABASE_URL": "postgres://db/shop"})); err != nil {
		t.Errorf("production without mail: %v", err)
	}
}

func TestLoadConfigRefusesBadMailAndFiles(t *testing.T) {
	for _, kv := range []string{
		"PUBLIC_URL=shop.example.com", "PUBLIC_URL=ftp://shop.example.com", "PUBLIC_URL=https://shop.example.com/shop",
		"PUBLIC_URL=https://shop.example.com?x=1", "PUBLIC_URL=https://user@shop.example.com", "PUBLIC_URL=https://",
		"PUBLIC_URL=https://shop.example.com/#top", "PUBLIC_URL=javascript:alert(1)",
		"SMTP_URL=mail.example.com:587", "SMTP_URL=smtp://mail.example.com/x", "MAIL_FROM=not an address",
		"BLOB_URL=gs://bucket", "BLOB_URL=s3://", "BLOB_URL=./files",
	} {
		k, v, _ := strings.Cut(kv, "=")
		if _, err := loadConfig(envMap(map[string]string{k: v})); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s: error %v, want one naming %s", kv, err, k)
		}
	}
	// An SMTP_URL error never quotes the URL: it may hold a password.
	if _, err := loadConfig(envMap(map[string]string{"SMTP_URL": "smtp://u:top%zzsecret@h"})); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("bad SMTP_URL: %v", err)
	}
}
