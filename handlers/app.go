// Package handlers adapts HTTP (Fiber) to the shop's services and views: parse the
// request, call one service, render. All errors leave through one error handler.
//
// Handlers come in groups, one small type per resource (productHandlers,
// authHandlers, accountHandlers, ...). Each group holds the shared web plumbing
// and, through interfaces declared next to it, only the service methods it
// calls. routes.go lists every route, in route groups (pages, uploads,
// webhooks) that differ in their middleware.
package handlers

import (
	"cmp"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
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
	// PublicURL is the shop's absolute base URL (PUBLIC_URL, no trailing slash):
	// canonical links, the sitemap and link previews use it, never the Host header.
	PublicURL string
	// Currency is the shop's ISO 4217 currency (CURRENCY), as search engines are told.
	Currency string
	// BenchRoutes enables /bench/plaintext, registered before all middleware, to
	// measure the machine's ceiling for this server. Never on in production.
	BenchRoutes bool
}

// Deps are everything the HTTP layer needs; main builds them. NewApp hands each
// handler group only the services it uses.
type Deps struct {
	Log      *slog.Logger
	Accounts *services.Accounts
	Catalog  *services.Catalog
	Sessions *services.Sessions
	Throttle *services.Throttle
	Devices  *services.Devices
	Health   *services.Health
	// AccountSecurity serves password resets, password and email changes.
	AccountSecurity *services.AccountSecurity
	// Buying (issue 12): carts, checkout, orders. Exactly one of
	// StripePayments (POST /webhooks/stripe) and DemoPayments (the test-mode
	// page /orders/{id}/pay) is set.
	Carts          *services.Carts
	Orders         *services.Orders
	Checkout       *services.Checkout
	StripePayments *services.StripePayments
	DemoPayments   *services.DemoPayments
	// Stores (sellers' store pages and settings), ProductImages (pictures and
	// /media/{key}) and MediaURL (a stored picture's address: services.MediaURLs.URL;
	// nil: /media/{key} on this app) serve the seller tools.
	Stores        *services.Stores
	ProductImages *services.ProductImages
	MediaURL      func(key string) string
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

// NewApp builds the Fiber app with its middleware, routes and error handler.
func NewApp(deps Deps) (*fiber.App, error) {
	s, err := newSite(deps)
	if err != nil {
		return nil, err
	}
	s.routes()
	return s.finish(), nil
}

// site is the app being put together: the Fiber app, the plumbing every group
// shares, one value per handler group, and the route groups routes() fills.
type site struct {
	app  *fiber.App
	cfg  Config
	web  *web
	edge *edge

	// Middleware that needs a service.
	sessions *sessionMiddleware
	signups  *signupThrottle

	// Handler groups.
	health   *healthHandlers
	assets   *assetTable
	products *productHandlers
	search   *searchHandlers
	seo      *seoHandlers // robots.txt, sitemap.xml
	seller   *sellerProductHandlers
	stores   *storeHandlers
	images   *imageHandlers
	media    *mediaHandlers
	auth     *authHandlers
	account  *accountHandlers
	// Account security: forgot/reset password, password and email changes, sessions.
	passwords       *passwordHandlers
	credentials     *accountSecurityHandlers
	accountSessions *accountSessionHandlers
	devMail         *devMailHandlers // nil: no outbox, no /dev/mail
	// Buying: the cart, checkout, orders, sales and payment webhooks.
	cartBadge *cartBadge
	cart      *cartHandlers
	checkout  *checkoutHandlers
	orders    *orderHandlers
	sales     *salesHandlers
	webhook   *webhookHandlers // nil without Stripe

	// Route groups (routes.go).
	pages    routeGroup
	uploads  routeGroup
	webhooks webhookGroup
	limits   *bodyLimits
}

// newSite builds the shared plumbing, the handler groups and the route groups;
// no route is registered yet.
func newSite(deps Deps) (*site, error) {
	if deps.SchemaReady == nil {
		deps.SchemaReady = func() bool { return true }
	}
	if deps.Draining == nil {
		deps.Draining = func() bool { return false }
	}
	cfg := deps.Config
	cfg.RequestTimeout = cmp.Or(cfg.RequestTimeout, 1500*time.Millisecond)
	cfg.ReadTimeout = cmp.Or(cfg.ReadTimeout, 10*time.Second)
	cfg.WriteTimeout = cmp.Or(cfg.WriteTimeout, 15*time.Second)
	cfg.IdleTimeout = cmp.Or(cfg.IdleTimeout, 60*time.Second)
	assets, err := newAssetTable(deps.Assets)
	if err != nil {
		return nil, err
	}
	trust, err := newProxyTrust(cfg.TrustedProxies, cmp.Or(cfg.ProxyHeader, "X-Real-IP"))
	if err != nil {
		return nil, err
	}
	fragments, err := newFragmentCache(maxFragments)
	if err != nil {
		return nil, err
	}

	searchResults, err := newSecondRequestCache(maxSearchPages, maxSearchPages)
	if err != nil {
		return nil, err
	}
	accountPages, err := newFragmentCache(maxAccountPages)
	if err != nil {
		return nil, err
	}

	w := newWeb(deps.Log, cfg.CookieSecure, assets.urls)
	w.shop = shopInfo{baseURL: strings.TrimSuffix(cfg.PublicURL, "/"), currency: cmp.Or(cfg.Currency, models.DefaultCurrency)}
	media := mediaURL(paths.Media)
	if deps.MediaURL != nil {
		media = deps.MediaURL
	}
	sessions := &sessionMiddleware{web: w, sessions: deps.Sessions, users: deps.Accounts}
	devices := &deviceCookies{web: w, devices: deps.Devices}
	limits := &bodyLimits{}
	errs := &errorHandler{web: w, requestTimeout: cfg.RequestTimeout, goneUsers: sessions, limits: limits}
	s := &site{
		cfg: cfg,
		web: w,
		edge: &edge{log: deps.Log, proxies: trust, ridPrefix: randomPrefix(), errors: errs,
			csp: contentSecurityPolicy(originOf(media("0")))},
		sessions: sessions,
		signups:  &signupThrottle{web: w, limiter: deps.Throttle},
		health:   &healthHandlers{health: deps.Health, schemaReady: deps.SchemaReady, draining: deps.Draining},
		assets:   assets,
		products: &productHandlers{web: w, catalog: deps.Catalog, media: media, fragments: fragments},
		seller:   &sellerProductHandlers{web: w, catalog: deps.Catalog, media: media},
		stores:   &storeHandlers{web: w, stores: deps.Stores, media: media},
		images:   &imageHandlers{web: w, images: deps.ProductImages, products: deps.Catalog, media: media},
		media:    &mediaHandlers{files: deps.ProductImages},
		seo:      &seoHandlers{web: w, listing: deps.Catalog},
		auth: &authHandlers{web: w, accounts: deps.Accounts, sessions: deps.Sessions, logins: deps.Throttle,
			devices: devices},
		account:   &accountHandlers{web: w, users: deps.Accounts, products: deps.Catalog, media: media, pages: accountPages},
		passwords: &passwordHandlers{web: w, resets: deps.AccountSecurity, limiter: deps.Throttle, sessions: deps.Sessions},
		credentials: &accountSecurityHandlers{web: w, security: deps.AccountSecurity, sessions: deps.Sessions,
			logins: deps.Throttle, devices: devices},
		accountSessions: &accountSessionHandlers{web: w, sessions: deps.Sessions},
		limits:          limits,
	}
	s.cartBadge = &cartBadge{log: deps.Log}
	if deps.Carts != nil { // apps built without the buying side have no carts
		s.cartBadge.carts = deps.Carts
		s.auth.carts = deps.Carts
	}
	s.cart = &cartHandlers{web: w, carts: deps.Carts, sessions: deps.Sessions, currency: cmp.Or(cfg.Currency, models.DefaultCurrency),
		media: media}
	if deps.Carts != nil && deps.Catalog != nil {
		if s.cart.pages, err = newCartPageCache(deps.Catalog); err != nil {
			return nil, err
		}
	}
	s.checkout = &checkoutHandlers{web: w, placer: deps.Checkout, cart: s.cart}
	s.orders = &orderHandlers{web: w, orders: deps.Orders}
	if deps.DemoPayments != nil {
		s.orders.demo = deps.DemoPayments
	}
	s.sales = &salesHandlers{web: w, sales: deps.Orders}
	if deps.StripePayments != nil {
		s.webhook = &webhookHandlers{log: deps.Log, stripe: deps.StripePayments}
	}
	s.search = &searchHandlers{web: w, catalog: deps.Catalog, stores: deps.Stores, results: searchResults, products: s.products}
	s.search = &searchHandlers{web: w, catalog: deps.Catalog, stores: deps.Stores, results: searchResults, products: s.products,
		media: media}
	s.stores.cached = s.products.catalogPage
	if deps.Stores != nil {
		s.products.stores = deps.Stores // else no store fields on the new-product form
		s.products.featured = deps.Stores
	}
	if deps.DevOutbox != nil {
		s.devMail = &devMailHandlers{web: w, outbox: deps.DevOutbox}
	}
	s.app = fiber.New(fiber.Config{
		// Fiber's strings alias pooled buffers that are reused after the handler
		// returns; copying them is cheap insurance against silent corruption.
		Immutable: true,
		// Every route but uploads takes at most this (uploads: bodyLimits).
		BodyLimit:    pageBodyLimit,
		ReadTimeout:  cfg.ReadTimeout,
		WriteTimeout: cfg.WriteTimeout,
		IdleTimeout:  cfg.IdleTimeout,

		// Room for a whole product list page (≈10 KB) with its headers: one
		// write syscall per response instead of two or three (make bench's profile).
		WriteBufferSize: 16 << 10,

		// Without the check Fiber believes X-Forwarded-* from anyone. The client
		// IP is not Fiber's to work out (clientIP): without a ProxyHeader, c.IP()
		// is the TCP peer, and where it is used at all it cannot be spoofed.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
		EnableIPValidation:      true,
		ErrorHandler:            s.edge.handleUnloggedError,
		DisableStartupMessage:   true,
		ServerHeader:            "",
		AppName:                 "storefront",

		// One address per page: /products/1/ and /Products/1 are 404s, not copies of /products/1.
		StrictRouting: true,
		CaseSensitive: true,
	})
	limits.uploads = newRouteSet(s.app.Config())
	s.routeGroups(deps.SchemaReady)
	return s, nil
}

// finish ends the route table: a request that no route takes (an unknown path:
// 404; a known path with another method: 405) passes the page middleware first,
// so that its error page knows the visitor. Then the after-login rule learns the
// GET routes from the router itself, and the server the upload routes' limits.
func (s *site) finish() *fiber.App {
	fallthroughStack := make([]any, len(s.pages.stack))
	for i, h := range s.pages.stack {
		fallthroughStack[i] = h
	}
	s.app.Use(fallthroughStack...)
	s.web.routes = routeSetOf(s.app)
	s.limits.install(s.app)
	return s.app
}
