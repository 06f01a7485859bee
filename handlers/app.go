// Package handlers adapts HTTP (Fiber) to the shop's services and views: parse the
// request, call one service, render. All errors leave through one error handler.
package handlers

import (
	"cmp"
	"io/fs"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/services"
)

// Config holds the HTTP-level settings that main reads from the environment.
type Config struct {
	// CookieSecure sets the Secure flag (and the __Host- name prefix) on cookies.
	CookieSecure bool
	// TrustedProxies are the proxy addresses or CIDRs whose X-Forwarded-* and
	// ProxyHeader values are believed; everyone else's are ignored.
	TrustedProxies []string
	// ProxyHeader names the header a trusted proxy puts the client IP in: one of
	// X-Real-IP (the default), X-Forwarded-For, CF-Connecting-IP, True-Client-IP
	// or Forwarded (CanonicalProxyHeader).
	ProxyHeader string
	// RequestTimeout bounds the database and Redis work of one request.
	RequestTimeout time.Duration
	// ReadTimeout (headers and body), WriteTimeout and IdleTimeout (keep-alive)
	// cut off slow clients; zero means 10 s, 15 s and 60 s. A zero RequestTimeout
	// means 1.5 s, short enough that a hung dependency is a 503 within 2 s.
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	IdleTimeout  time.Duration
	// BenchRoutes enables /bench/plaintext, registered before all middleware, to
	// measure the machine's ceiling for this server. Never on in production.
	BenchRoutes bool
}

// Deps are everything the HTTP layer needs; main builds them.
type Deps struct {
	Log      *slog.Logger
	Accounts *services.Accounts
	Catalog  *services.Catalog
	Sessions *services.Sessions
	Throttle *services.Throttle
	Devices  *services.Devices
	Health   *services.Health
	// DevOutbox, set by main in development only, serves GET /dev/mail: the mail
	// kept instead of sent. Nil: no such route (404).
	DevOutbox *services.Outbox
	// SchemaReady reports whether migrations have been applied; until then pages
	// that need the database answer 503. Nil means always ready.
	SchemaReady func() bool
	// Draining reports that a graceful shutdown has begun: /readyz answers 503 so
	// that load balancers stop sending new requests. Nil means never.
	Draining func() bool
	Assets   fs.FS
	Config   Config
}

// server carries the dependencies into the handler methods.
type server struct {
	Deps
	getRoutes  *getRoutes // the after-login rule's list of pages
	assets     *assetTable
	proxyTrust proxyTrust
	fragments  *fragmentCache
	requestID  atomic.Uint64
	ridPrefix  string
}

// NewApp builds the Fiber app with its middleware, routes and error handler.
func NewApp(deps Deps) (*fiber.App, error) {
	if deps.SchemaReady == nil {
		deps.SchemaReady = func() bool { return true }
	}
	if deps.Draining == nil {
		deps.Draining = func() bool { return false }
	}
	deps.Config.RequestTimeout = cmp.Or(deps.Config.RequestTimeout, 1500*time.Millisecond)
	deps.Config.ReadTimeout = cmp.Or(deps.Config.ReadTimeout, 10*time.Second)
	deps.Config.WriteTimeout = cmp.Or(deps.Config.WriteTimeout, 15*time.Second)
	deps.Config.IdleTimeout = cmp.Or(deps.Config.IdleTimeout, 60*time.Second)
	assets, err := newAssetTable(deps.Assets)
	if err != nil {
		return nil, err
	}
	trust, err := newProxyTrust(deps.Config.TrustedProxies, cmp.Or(deps.Config.ProxyHeader, "X-Real-IP"))
	if err != nil {
		return nil, err
	}
	fragments, err := newFragmentCache(maxFragments)
	if err != nil {
		return nil, err
	}
	s := &server{Deps: deps, assets: assets, proxyTrust: trust, fragments: fragments, ridPrefix: randomPrefix()}
	app := fiber.New(fiber.Config{
		// Fiber's strings alias pooled buffers that are reused after the handler
		// returns; copying them is cheap insurance against silent corruption.
		Immutable:    true,
		BodyLimit:    1 << 20,
		ReadTimeout:  deps.Config.ReadTimeout,
		WriteTimeout: deps.Config.WriteTimeout,
		IdleTimeout:  deps.Config.IdleTimeout,

		// Room for a whole product list page (≈10 KB) with its headers: one
		// write syscall per response instead of two or three (make bench's profile).
		WriteBufferSize: 16 << 10,

		// Without the check Fiber believes X-Forwarded-* from anyone. The client
		// IP is not Fiber's to work out (clientIP): without a ProxyHeader, c.IP()
		// is the TCP peer, and where it is used at all it cannot be spoofed.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          deps.Config.TrustedProxies,
		EnableIPValidation:      true,
		ErrorHandler:            s.handleUnloggedError,
		DisableStartupMessage:   true,
		ServerHeader:            "",
		AppName:                 "storefront",

		// One address per page: /products/1/ and /Products/1 are 404s, not copies of /products/1.
		StrictRouting: true,
		CaseSensitive: true,
	})
	s.routes(app)
	s.getRoutes = newGetRoutes(app.GetRoutes(true), app.Config())
	return app, nil
}
