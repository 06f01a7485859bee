package main

import (
	"strings"
	"testing"
	"time"
)

func TestLoadConfigPayments(t *testing.T) {
	cfg, err := loadConfig(envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Currency != "USD" || cfg.CheckoutHold != 30*time.Minute || cfg.StripeSecretKey != "" {
		t.Fatalf("defaults: currency %q, hold %v, stripe %q", cfg.Currency, cfg.CheckoutHold, cfg.StripeSecretKey)
	}
	stripe := map[string]string{
		"CURRENCY": "eur", "CHECKOUT_HOLD": "45m", "STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_WEBHOOK_SECRET": "whsec_abc",
		"STRIPE_API_URL": "http://127.0.0.1:12111",
	}
	cfg, err = loadConfig(envMap(stripe))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Currency != "EUR" || cfg.CheckoutHold != 45*time.Minute || cfg.StripeSecretKey != "sk_test_123" ||
		cfg.StripeWebhookSecret != "whsec_abc" || cfg.StripeAPIURL != "http://127.0.0.1:12111" {
		t.Fatalf("stripe: %+v", cfg)
	}
	// Production with Stripe needs the public address Stripe sends buyers back to.
	prod := map[string]string{"DATABASE_URL": "postgres://db/shop", "STRIPE_SECRET_KEY": "sk_live_1", "STRIPE_WEBHOOK_SECRET": "whsec_1"}
	if _, err := loadConfig(envMap(prod)); err == nil || !strings.Contains(err.Error(), "PUBLIC_URL is required") {
		t.Errorf("production Stripe without PUBLIC_URL: %v", err)
	}
	prod["PUBLIC_URL"] = "https://shop.example.com"
	if _, err := loadConfig(envMap(prod)); err != nil {
		t.Errorf("production Stripe: %v", err)
	}
}

func TestLoadConfigRefusesBadPayments(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"CURRENCY": "dollars"}, "CURRENCY"},
		{map[string]string{"CURRENCY": "JPY"}, "CURRENCY"},
		{map[string]string{"CHECKOUT_HOLD": "0s"}, "CHECKOUT_HOLD"},
		{map[string]string{"CHECKOUT_HOLD": "48h"}, "CHECKOUT_HOLD"},
		{map[string]string{"STRIPE_SECRET_KEY": "sk_test_1"}, "STRIPE_WEBHOOK_SECRET is required"},
		{map[string]string{"STRIPE_SECRET_KEY": "pk_test_1", "STRIPE_WEBHOOK_SECRET": "whsec_1"}, "STRIPE_SECRET_KEY"},
		{map[string]string{"STRIPE_WEBHOOK_SECRET": "whsec_1"}, "need STRIPE_SECRET_KEY"},
		{map[string]string{"STRIPE_SECRET_KEY": "sk_test_1", "STRIPE_WEBHOOK_SECRET": "whsec_1", "STRIPE_API_URL": "stripe-mock:12111"}, "STRIPE_API_URL"},
	} {
		if _, err := loadConfig(envMap(tc.env)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one saying %q", tc.env, err, tc.want)
		}
	}
}

// The configuration picks one provider: Stripe with a key (no demo page), the
// demo otherwise.
func TestNewBuyingPicksTheProvider(t *testing.T) {
	cfg, err := loadConfig(envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	b, err := newBuying(cfg, nil, nil, nil)
	if err != nil || b.Demo == nil || b.Stripe != nil || b.Checkout.Provider() != "demo" {
		t.Fatalf("no keys: %+v, %v", b, err)
	}
	cfg.StripeSecretKey, cfg.StripeWebhookSecret = "sk_test_1", "whsec_1"
	b, err = newBuying(cfg, nil, nil, nil)
	if err != nil || b.Demo != nil || b.Stripe == nil || b.Checkout.Provider() != "stripe" {
		t.Fatalf("stripe: %+v, %v", b, err)
	}
}
