package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/storefront/storefront/handlers"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// Config is everything the app reads from the environment.
type Config struct {
	Addr        string
	DatabaseURL string // empty: embedded SQLite file
	RedisURL    string // empty: in-memory sessions
	RedisPrefix string
	Development bool
	// CookieSecure sets Secure (and the __Host- prefix) on cookies.
	CookieSecure       bool
	SessionIdleTimeout time.Duration
	SessionMaxLifetime time.Duration
	Throttle           services.ThrottleRules
	TrustedProxies     []string
	ProxyHeader        string
	SeedDemo           bool
	BenchRoutes        bool
	LogLevel           slog.Level
	ShutdownTimeout    time.Duration
	// ShutdownDrain is how long the app keeps serving after SIGTERM with /readyz
	// answering 503, before it closes its listener (0: close at once). Behind a load
	// balancer set it to the readiness probe's period, so no new request is refused.
	ShutdownDrain time.Duration
	// RequestTimeout bounds the PostgreSQL and Redis work of one request, so a hung
	// dependency turns into a 503 within two seconds. 1.5 s by default: Redis calls
	// have their own ~0.5 s socket timeouts, but a hung PostgreSQL is cut off only
	// by this deadline; a page's queries take milliseconds, and logins that would
	// queue longer than this for an argon2 slot are shed with 503 + Retry-After.
	RequestTimeout time.Duration
	// ReadTimeout, WriteTimeout and IdleTimeout cut off slow or idle clients.
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	IdleTimeout  time.Duration
	// Workers runs background jobs in this instance; false serves web only (the
	// jobs it enqueues wait in the database for an instance with workers).
	Workers bool

	// SMTPURL is smtp://user:password@host:port (or smtps://); empty keeps mail in
	// the database outbox, listed at /dev/mail in development.
	SMTPURL  string
	MailFrom string
	// PublicURL is the shop's absolute base URL (no trailing slash) for links in
	// mail: never derived from a request's Host header.
	PublicURL string
	// DataDir holds the embedded file store (DataDir/files) when BlobURL is empty.
	DataDir string
	// BlobURL is an s3:// bucket shared by all instances; empty: files in DataDir.
	BlobURL string

	// PasswordResetTTL is how long a mailed password-reset link works.
	PasswordResetTTL time.Duration

	// Payments: see loadPayments.
	Currency            string        // CURRENCY: ISO 4217, two decimals
	CheckoutHold        time.Duration // CHECKOUT_HOLD: how long checkout reserves stock
	StripeSecretKey     string        // STRIPE_SECRET_KEY: empty takes no real payments (the demo provider)
	StripeWebhookSecret string        // STRIPE_WEBHOOK_SECRET: the webhook endpoint's signing secret
	StripeAPIURL        string        // STRIPE_API_URL: another API base (tests: stripe-mock)
}

// loadConfig reads the configuration through getenv (os.Getenv in production, a
// map in tests) and refuses values it cannot use rather than guess.
func loadConfig(getenv func(string) string) (Config, error) {
	env := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	var errs []string
	boolean := func(key string, def bool) bool {
		v := env(key, strconv.FormatBool(def))
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s=%q is not true or false", key, v))
		}
		return b
	}
	duration := func(key string, def time.Duration) time.Duration {
		v := env(key, def.String())
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Sprintf("%s=%q is not a positive duration like 30m", key, v))
		}
		return d
	}
	rule := func(key string, def services.ThrottleRule) services.ThrottleRule {
		v := env(key, "")
		if v == "" {
			return def
		}
		count, window, ok := strings.Cut(v, "/")
		n, err1 := strconv.ParseInt(count, 10, 64)
		d, err2 := time.ParseDuration(window)
		if !ok || err1 != nil || err2 != nil || n < 1 || d <= 0 {
			errs = append(errs, fmt.Sprintf("%s=%q is not a limit like 10/3m", key, v))
			return def
		}
		return services.ThrottleRule{Limit: n, Window: d}
	}

	cfg := Config{
		DatabaseURL: env("DATABASE_URL", ""),
		RedisURL:    env("REDIS_URL", ""),
		RedisPrefix: env("REDIS_PREFIX", "storefront:"),
	}
	cfg.Addr = env("ADDR", "")
	if cfg.Addr == "" {
		port := env("PORT", "3000")
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			errs = append(errs, fmt.Sprintf("PORT=%q is not a port number from 1 to 65535", port))
		}
		cfg.Addr = ":" + port
	} else if _, port, err := net.SplitHostPort(cfg.Addr); err != nil || !isPortNumber(port) {
		errs = append(errs, fmt.Sprintf("ADDR=%q is not a listen address like :3000 or 127.0.0.1:3000", cfg.Addr))
	}
	if msg := checkDatabaseURL(cfg.DatabaseURL); msg != "" {
		errs = append(errs, msg)
	}
	// Production (JSON logs, Secure cookies) is for PostgreSQL, which many
	// instances share. SQLite, the default file or another one, is one process on
	// one machine: someone trying the shop, unless APP_ENV says otherwise.
	defaultEnv := "development"
	if services.IsPostgresURL(cfg.DatabaseURL) {
		defaultEnv = "production"
	}
	switch appEnv := env("APP_ENV", defaultEnv); appEnv {
	case "development":
		cfg.Development = true
	case "production":
	default:
		errs = append(errs, fmt.Sprintf("APP_ENV=%q is not development or production", appEnv))
	}
	cfg.CookieSecure = boolean("COOKIE_SECURE", !cfg.Development)
	cfg.SeedDemo = boolean("SEED_DEMO", cfg.DatabaseURL == "")
	cfg.BenchRoutes = boolean("BENCH_ROUTES", false)
	cfg.Workers = boolean("WORKERS", true)
	cfg.SessionIdleTimeout = duration("SESSION_IDLE_TIMEOUT", 30*time.Minute)
	cfg.SessionMaxLifetime = duration("SESSION_MAX_LIFETIME", 12*time.Hour)
	cfg.PasswordResetTTL = duration("PASSWORD_RESET_TTL", services.DefaultPasswordResetTTL)
	cfg.ShutdownTimeout = duration("SHUTDOWN_TIMEOUT", 10*time.Second)
	cfg.RequestTimeout = duration("REQUEST_TIMEOUT", 1500*time.Millisecond)
	if v := env("SHUTDOWN_DRAIN", "0s"); v != "0s" && v != "0" {
		cfg.ShutdownDrain = duration("SHUTDOWN_DRAIN", 0)
	}
	cfg.ReadTimeout = duration("READ_TIMEOUT", 10*time.Second)
	cfg.WriteTimeout = duration("WRITE_TIMEOUT", 15*time.Second)
	cfg.IdleTimeout = duration("IDLE_TIMEOUT", 60*time.Second)
	cfg.Throttle = services.ThrottleRules{
		LoginPerIP:      rule("LOGIN_IP_LIMIT", services.DefaultThrottleRules.LoginPerIP),
		LoginPerAccount: rule("LOGIN_ACCOUNT_LIMIT", services.DefaultThrottleRules.LoginPerAccount),
		LoginPerDevice:  rule("LOGIN_DEVICE_LIMIT", services.DefaultThrottleRules.LoginPerDevice),
		SignupPerIP:     rule("SIGNUP_IP_LIMIT", services.DefaultThrottleRules.SignupPerIP),
		ForgotPerIP:     rule("FORGOT_IP_LIMIT", services.DefaultThrottleRules.ForgotPerIP),
		ForgotPerEmail:  rule("FORGOT_EMAIL_LIMIT", services.DefaultThrottleRules.ForgotPerEmail),
	}
	for _, p := range strings.Split(env("TRUSTED_PROXIES", ""), ",") {
		if p = strings.TrimSpace(p); p != "" {
			if _, err := handlers.ParseTrustedProxy(p); err != nil {
				errs = append(errs, fmt.Sprintf("TRUSTED_PROXIES: %v", err))
			}
			cfg.TrustedProxies = append(cfg.TrustedProxies, p)
		}
	}
	header := env("PROXY_HEADER", "X-Real-IP")
	if canonical, ok := handlers.CanonicalProxyHeader(header); ok {
		cfg.ProxyHeader = canonical
	} else {
		errs = append(errs, fmt.Sprintf("PROXY_HEADER=%q is not one of X-Real-IP, X-Forwarded-For, CF-Connecting-IP, True-Client-IP, Forwarded", header))
	}
	if err := cfg.LogLevel.UnmarshalText([]byte(env("LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, fmt.Sprintf("LOG_LEVEL: %v", err))
	}
	if cfg.RedisURL != "" && !strings.HasPrefix(cfg.RedisURL, "redis://") && !strings.HasPrefix(cfg.RedisURL, "rediss://") {
		errs = append(errs, "REDIS_URL must start with redis:// or rediss://")
	}
	errs = append(errs, loadMailAndFiles(&cfg, env)...)
	errs = append(errs, loadPayments(&cfg, env)...)
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("configuration: %s", strings.Join(errs, "; "))
	}
	return cfg, nil
}

// loadMailAndFiles reads the mail and file-store settings into cfg (after Addr
// and Development) and returns what is wrong with them.
func loadMailAndFiles(cfg *Config, env func(key, def string) string) []string {
	var errs []string
	cfg.SMTPURL = env("SMTP_URL", "")
	if cfg.SMTPURL != "" {
		if _, err := services.ParseSMTPURL(cfg.SMTPURL); err != nil {
			errs = append(errs, err.Error())
		}
	}
	// A real mail server refuses a sender at localhost, and links must reach the
	// shop from outside: production mail needs both settings.
	mailInProduction := cfg.SMTPURL != "" && !cfg.Development
	cfg.MailFrom = env("MAIL_FROM", "")
	switch {
	case cfg.MailFrom != "":
		if _, err := services.ParseMailFrom(cfg.MailFrom); err != nil {
			errs = append(errs, err.Error())
		}
	case mailInProduction:
		errs = append(errs, "MAIL_FROM is required in production when SMTP_URL is set")
	default:
		cfg.MailFrom = "Storefront <shop@localhost>"
	}
	cfg.PublicURL = env("PUBLIC_URL", "")
	switch {
	case cfg.PublicURL != "":
		u, err := parsePublicURL(cfg.PublicURL)
		if err != nil {
			errs = append(errs, err.Error())
		}
		cfg.PublicURL = u
	case mailInProduction:
		errs = append(errs, "PUBLIC_URL is required in production when SMTP_URL is set (links in mail must reach the shop)")
	default:
		cfg.PublicURL = localURL(cfg.Addr)
	}
	cfg.DataDir = env("DATA_DIR", "data")
	cfg.BlobURL = env("BLOB_URL", "")
	if cfg.BlobURL != "" {
		if u, err := url.Parse(cfg.BlobURL); err != nil || u.Scheme != "s3" || u.Host == "" {
			errs = append(errs, "BLOB_URL must be s3://bucket?endpoint=...&region=...")
		}
	}
	return errs
}

// loadPayments reads the currency, the checkout hold and the Stripe settings
// into cfg (after PublicURL and Development) and returns what is wrong with them.
// Without STRIPE_SECRET_KEY the shop takes no real payments: orders are paid on
// its own "test mode" page.
func loadPayments(cfg *Config, env func(key, def string) string) []string {
	var errs []string
	currency, msg := models.ParseCurrency(env("CURRENCY", models.DefaultCurrency))
	if msg != "" {
		errs = append(errs, fmt.Sprintf("CURRENCY=%q %s", env("CURRENCY", ""), msg))
	}
	cfg.Currency = currency
	hold := env("CHECKOUT_HOLD", services.DefaultCheckoutHold.String())
	d, err := time.ParseDuration(hold)
	if err != nil || d < time.Minute || d > 24*time.Hour {
		errs = append(errs, fmt.Sprintf("CHECKOUT_HOLD=%q is not a duration from 1m to 24h, like 30m", hold))
	}
	cfg.CheckoutHold = d
	cfg.StripeSecretKey = env("STRIPE_SECRET_KEY", "")
	cfg.StripeWebhookSecret = env("STRIPE_WEBHOOK_SECRET", "")
	cfg.StripeAPIURL = env("STRIPE_API_URL", "")
	if cfg.StripeSecretKey == "" {
		if cfg.StripeWebhookSecret != "" || cfg.StripeAPIURL != "" {
			errs = append(errs, "STRIPE_WEBHOOK_SECRET and STRIPE_API_URL need STRIPE_SECRET_KEY")
		}
		return errs
	}
	if !strings.HasPrefix(cfg.StripeSecretKey, "sk_") && !strings.HasPrefix(cfg.StripeSecretKey, "rk_") {
		errs = append(errs, "STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_… or rk_…)")
	}
	if !strings.HasPrefix(cfg.StripeWebhookSecret, "whsec_") {
		errs = append(errs, "STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY: the webhook endpoint's signing secret (whsec_…)")
	}
	if cfg.StripeAPIURL != "" {
		if u, err := url.Parse(cfg.StripeAPIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Sprintf("STRIPE_API_URL=%q is not an http(s) URL", redactURL(cfg.StripeAPIURL)))
		}
	}
	if !cfg.Development && strings.HasPrefix(cfg.PublicURL, "http://localhost") {
		errs = append(errs, "PUBLIC_URL is required in production with STRIPE_SECRET_KEY (Stripe sends buyers back to it)")
	}
	return errs
}

// parsePublicURL accepts http(s)://host[:port] with at most a trailing slash,
// which it drops: links are PUBLIC_URL + a path of ours.
func parsePublicURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", fmt.Errorf("PUBLIC_URL=%q must be an absolute URL like https://shop.example.com, without a path, query or user", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// localURL is the default PUBLIC_URL: this machine at the port we listen on.
func localURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func isPortNumber(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && n <= 65535
}

// checkDatabaseURL explains why DATABASE_URL cannot work, or returns "". A
// SQLite file must be in an existing directory: SQLite creates the file but not
// its directory, and the app would otherwise retry at start-up forever.
func checkDatabaseURL(databaseURL string) string {
	if databaseURL == "" || services.IsPostgresURL(databaseURL) {
		return ""
	}
	if strings.Contains(databaseURL, "://") && !strings.HasPrefix(databaseURL, "file:") {
		return fmt.Sprintf("DATABASE_URL must be a postgres:// URL or a SQLite file path, not %q", redactURL(databaseURL))
	}
	path, query, _ := strings.Cut(strings.TrimPrefix(databaseURL, "file:"), "?")
	if path == "" || path == ":memory:" || strings.Contains(query, "mode=memory") {
		return ""
	}
	if strings.HasPrefix(path, "//") { // file:///abs/path.db
		path = path[2:]
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Sprintf("DATABASE_URL=%q: the directory %s does not exist (SQLite creates the file, not its directory)", databaseURL, dir)
	}
	return ""
}

// redactURL drops the password from a URL for an error message.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "(unparsable URL)"
}
