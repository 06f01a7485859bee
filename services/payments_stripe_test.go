package services_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

const testWebhookSecret = "whsec_storefront_test"

// stripeRecorder sits in front of stripe-mock and keeps each request it
// passes on: stripe-mock is stateless, so what was sent is read here.
type stripeRecorder struct {
	mu       sync.Mutex
	requests []recordedRequest
}

type recordedRequest struct {
	Path           string
	IdempotencyKey string
	Form           url.Values
}

func newStripeRecorder(t testing.TB) (*stripeRecorder, string) {
	target, err := url.Parse(testenv.StripeMock(t))
	if err != nil {
		t.Fatal(err)
	}
	rec := &stripeRecorder{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		rec.mu.Lock()
		rec.requests = append(rec.requests, recordedRequest{Path: r.URL.Path, IdempotencyKey: r.Header.Get("Idempotency-Key"), Form: form})
		rec.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return rec, srv.URL
}

// newStripe is the Stripe provider against apiURL with the given key.
func newStripe(t testing.TB, apiURL, key string) func(*services.Orders) services.PaymentProvider {
	return func(orders *services.Orders) services.PaymentProvider {
		p, err := services.NewStripePayments(services.StripeConfig{
			SecretKey: key, WebhookSecret: testWebhookSecret, APIURL: apiURL, PublicURL: "https://shop.example.com",
			MaxNetworkRetries: stripe.Int64(0),
		}, orders)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
}

// Checkout with Stripe creates a Checkout Session (stripe-mock) with the
// order's lines, client_reference_id = order id, an idempotency key per order,
// and the success and cancel pages; the order keeps the session's id and URL.
func TestStripeCheckoutCreatesSession(t *testing.T) {
	rec, apiURL := newStripeRecorder(t)
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			s := newBuyingShop(t, d, newStripe(t, apiURL, testenv.StripeMockKey), services.CheckoutConfig{})
			seller, buyer := s.user("seller"), s.user("buyer")
			mug := s.product(seller, "Mug", 1250, 5)
			s.add(buyer, mug, 2)
			rec.mu.Lock()
			rec.requests = nil
			rec.mu.Unlock()
			order, err := s.checkout.Checkout(s.ctx, buyer)
			if err != nil {
				t.Fatal(err)
			}
			if order.Provider != models.ProviderStripe || !strings.HasPrefix(order.PaymentURL, "https://") {
				t.Fatalf("order %+v", order)
			}
			var sessionID, ref string
			if err := s.db.NewRaw("SELECT provider_session_id, payment_ref FROM orders WHERE id = ?", order.ID).Scan(s.ctx, &sessionID, &ref); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(sessionID, "cs_") {
				t.Errorf("session id %q", sessionID)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if len(rec.requests) != 1 || rec.requests[0].Path != "/v1/checkout/sessions" {
				t.Fatalf("requests %+v", rec.requests)
			}
			r := rec.requests[0]
			id := strconv.FormatInt(order.ID, 10)
			for field, want := range map[string]string{
				"client_reference_id": id, "mode": "payment", "metadata[payment_ref]": ref,
				"success_url": "https://shop.example.com/orders/" + id, "cancel_url": "https://shop.example.com/cart",
				"line_items[0][quantity]": "2", "line_items[0][price_data][unit_amount]": "1250",
				"line_items[0][price_data][currency]": "usd", "line_items[0][price_data][product_data][name]": "Mug",
			} {
				if got := r.Form.Get(field); got != want {
					t.Errorf("%s = %q, want %q", field, got, want)
				}
			}
			if r.IdempotencyKey != "checkout-"+ref || len(ref) < 40 {
				t.Errorf("idempotency key %q, want one per order (its random payment reference)", r.IdempotencyKey)
			}
			if exp, _ := strconv.ParseInt(r.Form.Get("expires_at"), 10, 64); time.Until(time.Unix(exp, 0)) < 30*time.Minute {
				t.Errorf("expires_at %s is sooner than Stripe accepts", r.Form.Get("expires_at"))
			}
		})
	}
}

// A provider that refuses (stripe-mock answers a malformed key with 401)
// cancels the order, gives the stock back and restores the cart: 503.
func TestStripeFailureCancelsTheOrder(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			s := newBuyingShop(t, d, newStripe(t, testenv.StripeMock(t), "sk_bad"), services.CheckoutConfig{})
			seller, buyer := s.user("seller"), s.user("buyer")
			mug := s.product(seller, "Mug", 1250, 5)
			s.add(buyer, mug, 2)
			_, err := s.checkout.Checkout(s.ctx, buyer)
			if !errors.Is(err, services.ErrPaymentUnavailable) || models.ErrorCode(err) != models.EUNAVAILABLE {
				t.Fatalf("error %v, want ErrPaymentUnavailable", err)
			}
			var status string
			if err := s.db.NewRaw("SELECT status FROM orders").Scan(s.ctx, &status); err != nil || status != "cancelled" {
				t.Errorf("order status %q, %v", status, err)
			}
			if s.stock(mug) != 5 {
				t.Errorf("stock %d, want 5 back", s.stock(mug))
			}
			if cart, err := s.carts.Cart(s.ctx, models.CartOwner{UserID: buyer}); err != nil || cart.ItemCount != 2 {
				t.Errorf("cart %+v, %v: want the 2 mugs back", cart, err)
			}
		})
	}
}

// stripeEvent is a signed webhook delivery, made the way Stripe makes them
// (stripe-go's own test helper), for the library's API version.
func stripeEvent(t testing.TB, secret, id, typ string, session map[string]any) (payload []byte, signature string) {
	payload, err := json.Marshal(map[string]any{
		"id": id, "object": "event", "api_version": stripe.APIVersion, "type": typ,
		"created": time.Now().Unix(), "data": map[string]any{"object": session},
	})
	if err != nil {
		t.Fatal(err)
	}
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret})
	return signed.Payload, signed.Header
}

// stripeOrder places a Stripe order for buyer and returns it with its payment reference.
func stripeOrder(t testing.TB, s *buyingShop, buyer int64, lines map[int64]int) (*models.Order, string) {
	t.Helper()
	for p, q := range lines {
		s.add(buyer, p, q)
	}
	order, err := s.checkout.Checkout(s.ctx, buyer)
	if err != nil {
		t.Fatal(err)
	}
	var ref string
	if err := s.db.NewRaw("SELECT payment_ref FROM orders WHERE id = ?", order.ID).Scan(s.ctx, &ref); err != nil {
		t.Fatal(err)
	}
	return order, ref
}

func checkoutSession(order *models.Order, ref string, amount int64, currency, paymentStatus string) map[string]any {
	return map[string]any{
		"id": "cs_test_" + strconv.FormatInt(order.ID, 10), "object": "checkout.session",
		"client_reference_id": strconv.FormatInt(order.ID, 10), "amount_total": amount, "currency": currency,
		"payment_status": paymentStatus, "metadata": map[string]string{"payment_ref": ref},
	}
}

// The webhook: a bad or missing signature changes nothing (400); a completed
// session pays the order once (a replay changes nothing); a wrong amount or
// currency flags it; an unknown order, or another shop's, is acknowledged; an
// expired session cancels the order and gives the stock back; a payment that
// arrives after that takes the stock again if it is there.
func TestStripeWebhook(t *testing.T) {
	for name, d := range services.DatabasesWithURLs(t) {
		t.Run(name, func(t *testing.T) {
			var stripePayments *services.StripePayments
			provider := newStripe(t, testenv.StripeMock(t), testenv.StripeMockKey)
			s := newBuyingShop(t, d, func(o *services.Orders) services.PaymentProvider {
				p := provider(o)
				stripePayments = p.(*services.StripePayments)
				return p
			}, services.CheckoutConfig{})
			seller, buyer := s.user("seller"), s.user("buyer")
			mug := s.product(seller, "Mug", 1250, 20)
			handle := func(payload []byte, sig string) (models.PaymentOutcome, error) {
				return stripePayments.HandleWebhook(s.ctx, payload, sig)
			}
			status := func(id int64) models.OrderStatus { return s.order(buyer, id).Status }

			order, ref := stripeOrder(t, s, buyer, map[int64]int{mug: 2})
			completed := checkoutSession(order, ref, 2500, "usd", "paid")

			t.Run("BadSignature", func(t *testing.T) {
				payload, sig := stripeEvent(t, testWebhookSecret, "evt_bad", "checkout.session.completed", completed)
				_, wrongSig := stripeEvent(t, "whsec_someone_else", "evt_bad", "checkout.session.completed", completed)
				for name, header := range map[string]string{"missing": "", "wrong secret": wrongSig, "garbage": "t=1,v1=00"} {
					if _, err := handle(payload, header); !errors.Is(err, services.ErrBadWebhookSignature) || models.ErrorCode(err) != models.EINVALID {
						t.Errorf("%s signature: %v, want EINVALID", name, err)
					}
				}
				tampered := bytes.Replace(payload, []byte(`"amount_total":2500`), []byte(`"amount_total":1`), 1)
				if _, err := handle(tampered, sig); !errors.Is(err, services.ErrBadWebhookSignature) {
					t.Errorf("tampered payload: %v", err)
				}
				// Signed right, but for another API version than the library's: refused too.
				old, _ := json.Marshal(map[string]any{"id": "evt_old", "object": "event", "api_version": "2020-08-27",
					"type": "checkout.session.completed", "data": map[string]any{"object": completed}})
				signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: old, Secret: testWebhookSecret})
				if _, err := handle(signed.Payload, signed.Header); !errors.Is(err, services.ErrBadWebhookSignature) {
					t.Errorf("another API version: %v", err)
				}
				if status(order.ID) != models.OrderPending || s.count("SELECT COUNT(*) FROM processed_webhook_events") != 0 {
					t.Error("a refused webhook changed something")
				}
			})
			t.Run("PaidOnceReplayIgnored", func(t *testing.T) {
				payload, sig := stripeEvent(t, testWebhookSecret, "evt_paid", "checkout.session.completed", completed)
				if outcome, err := handle(payload, sig); err != nil || outcome != models.PaymentPaid {
					t.Fatalf("completed: %v, %v", outcome, err)
				}
				if status(order.ID) != models.OrderPaid || len(s.queuedMails()) != 2 {
					t.Fatalf("status %s, mails %v", status(order.ID), s.queuedMails())
				}
				if outcome, err := handle(payload, sig); err != nil || outcome != models.PaymentReplay {
					t.Errorf("replay: %v, %v", outcome, err)
				}
				// The same payment under another event id: the order is already paid.
				payload, sig = stripeEvent(t, testWebhookSecret, "evt_paid_again", "checkout.session.completed", completed)
				if outcome, err := handle(payload, sig); err != nil || outcome != models.PaymentUnchanged {
					t.Errorf("second completion: %v, %v", outcome, err)
				}
				// An expiry after payment changes nothing either.
				payload, sig = stripeEvent(t, testWebhookSecret, "evt_late_expiry", "checkout.session.expired", completed)
				if outcome, err := handle(payload, sig); err != nil || outcome != models.PaymentUnchanged || status(order.ID) != models.OrderPaid {
					t.Errorf("expiry after payment: %v, %v", outcome, err)
				}
				if len(s.queuedMails()) != 2 || s.stock(mug) != 18 {
					t.Errorf("mails %d, stock %d after replays", len(s.queuedMails()), s.stock(mug))
				}
			})
			t.Run("AmountMismatchFlags", func(t *testing.T) {
				for i, paid := range []struct {
					amount   int64
					currency string
				}{{1, "usd"}, {1250, "eur"}} {
					o, r := stripeOrder(t, s, buyer, map[int64]int{mug: 1})
					stock, mails := s.stock(mug), len(s.queuedMails())
					payload, sig := stripeEvent(t, testWebhookSecret, fmt.Sprintf("evt_mismatch_%d", i), "checkout.session.completed",
						checkoutSession(o, r, paid.amount, paid.currency, "paid"))
					if outcome, err := handle(payload, sig); err != nil || outcome != models.PaymentFlagged {
						t.Fatalf("%+v: %v, %v", paid, outcome, err)
					}
					flagged := s.order(buyer, o.ID)
					if flagged.Status != models.OrderFlagged || flagged.PaidAt != nil || !strings.Contains(flagged.Note, "refund") {
						t.Errorf("%+v: order %+v", paid, flagged)
					}
					if s.stock(mug) != stock || len(s.queuedMails()) != mails {
						t.Errorf("%+v: a flagged order must keep its stock reserved and send no mail", paid)
					}
				}
			})
			t.Run("UnknownOrder", func(t *testing.T) {
				unknown := checkoutSession(&models.Order{ID: 999999}, ref, 2500, "usd", "paid")
				payload, sig := stripeEvent(t, testWebhookSecret, "evt_unknown", "checkout.session.completed", unknown)
				if outcome, err := handle(payload, sig); err != nil || outcome != models.PaymentUnknownOrder {
					t.Errorf("unknown order: %v, %v", outcome, err)
				}
				other, _ := stripeOrder(t, s, buyer, map[int64]int{mug: 1})
				foreign := checkoutSession(other, "another-shops-reference", 1250, "usd", "paid")
				payload, sig = stripeEvent(t, testWebhookSecret, "evt_foreign", "checkout.session.completed", foreign)
				if outcome, err := handle(payload, sig); err != nil || outcome != models.PaymentUnknownOrder || status(other.ID) != models.OrderPending {
					t.Errorf("another shop's order: %v, %v, %s", outcome, err, status(other.ID))
				}
				noRef := checkoutSession(other, "", 1250, "usd", "paid")
				noRef["client_reference_id"] = nil
				payload, sig = stripeEvent(t, testWebhookSecret, "evt_noref", "checkout.session.completed", noRef)
				if outcome, err := handle(payload, sig); err != nil || outcome != models.PaymentUnknownOrder {
					t.Errorf("no client_reference_id: %v, %v", outcome, err)
				}
				s.exec("UPDATE orders SET status = 'cancelled', cancelled_at = ? WHERE id = ?", time.Now().UTC(), other.ID)
				s.exec("UPDATE products SET stock = stock + 1 WHERE id = ?", mug)
			})
			t.Run("ExpiredCancelsAndReleases", func(t *testing.T) {
				before := s.stock(mug)
				o, r := stripeOrder(t, s, buyer, map[int64]int{mug: 2})
				if s.stock(mug) != before-2 {
					t.Fatalf("stock %d", s.stock(mug))
				}
				session := checkoutSession(o, r, 2500, "usd", "unpaid")
				payload, sig := stripeEvent(t, testWebhookSecret, "evt_expired_"+strconv.FormatInt(o.ID, 10), "checkout.session.expired", session)
				if outcome, err := handle(payload, sig); err != nil || outcome != models.PaymentCancelled {
					t.Fatalf("expired: %v, %v", outcome, err)
				}
				if status(o.ID) != models.OrderCancelled || s.stock(mug) != before {
					t.Errorf("status %s, stock %d; want cancelled, %d", status(o.ID), s.stock(mug), before)
				}
				// Paid at the last moment, after all: the stock is taken again.
				session["payment_status"] = "paid"
				payload, sig = stripeEvent(t, testWebhookSecret, "evt_late_"+strconv.FormatInt(o.ID, 10), "checkout.session.completed", session)
				if outcome, err := handle(payload, sig); err != nil || outcome != models.PaymentPaid {
					t.Fatalf("late payment: %v, %v", outcome, err)
				}
				if status(o.ID) != models.OrderPaid || s.stock(mug) != before-2 {
					t.Errorf("late payment: status %s, stock %d", status(o.ID), s.stock(mug))
				}
			})
			t.Run("DelayedPaymentAndOtherEventsIgnored", func(t *testing.T) {
				o, r := stripeOrder(t, s, buyer, map[int64]int{mug: 1})
				unpaid := checkoutSession(o, r, 1250, "usd", "unpaid")
				payload, sig := stripeEvent(t, testWebhookSecret, "evt_unpaid", "checkout.session.completed", unpaid)
				if outcome, err := handle(payload, sig); err != nil || outcome != models.PaymentIgnored || status(o.ID) != models.OrderPending {
					t.Errorf("completed, payment pending: %v, %v", outcome, err)
				}
				payload, sig = stripeEvent(t, testWebhookSecret, "evt_async_ok", "checkout.session.async_payment_succeeded", unpaid)
				if outcome, err := handle(payload, sig); err != nil || outcome != models.PaymentPaid {
					t.Errorf("async payment succeeded: %v, %v", outcome, err)
				}
				payload, sig = stripeEvent(t, testWebhookSecret, "evt_other", "customer.created", map[string]any{"id": "cus_1", "object": "customer"})
				if outcome, err := handle(payload, sig); err != nil || outcome != models.PaymentIgnored {
					t.Errorf("another event type: %v, %v", outcome, err)
				}
			})
		})
	}
}
