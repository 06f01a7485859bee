package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/services"
)

const testWebhookSecret = "whsec_storefront_handlers_test"

// stripeShop is a shop paying through Stripe: stripe-mock, started by testenv.
func stripeShop(t *testing.T) *shop {
	apiURL := testenv.StripeMock(t)
	return newShopPaying(t, func(orders *services.Orders) *services.StripePayments {
		p, err := services.NewStripePayments(services.StripeConfig{
			SecretKey: testenv.StripeMockKey, WebhookSecret: testWebhookSecret, APIURL: apiURL,
			PublicURL: "https://shop.test", MaxNetworkRetries: stripe.Int64(0),
		}, orders)
		if err != nil {
			t.Fatal(err)
		}
		return p
	})
}

// signedEvent is a webhook delivery signed the way Stripe signs them.
func signedEvent(t *testing.T, secret, id, typ string, session map[string]any) ([]byte, string) {
	t.Helper()
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

// postWebhook delivers a payload as Stripe does: no cookie, no CSRF token.
func (s *shop) postWebhook(payload []byte, signature string) (int, string) {
	s.t.Helper()
	req := httptest.NewRequest(http.MethodPost, "https://shop.test/webhooks/stripe", bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set("Stripe-Signature", signature)
	}
	resp, err := s.app.Test(req, -1)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (s *shop) orderStatus(id int64) string {
	s.t.Helper()
	var status string
	if err := s.db.NewRaw("SELECT status FROM orders WHERE id = ?", id).Scan(context.Background(), &status); err != nil {
		s.t.Fatal(err)
	}
	return status
}

// With Stripe: checkout goes to Stripe's page (no test-mode page exists); the
// webhook refuses a missing or bad signature (400, nothing changes), pays the
// order on a signed completed session, acknowledges a replay and an unknown
// order without change, and flags a wrong amount; the order page polls until
// the payment is confirmed.
func TestStripeCheckoutAndWebhook(t *testing.T) {
	s := stripeShop(t)
	_, mug := s.seller("Mug", 1250, 10)
	b, _ := s.signedIn()
	expectStatus(t, b.post("/cart/items", addForm(mug, "2")), http.StatusSeeOther)
	b.get("/cart")
	resp := b.post("/checkout", url.Values{})
	expectStatus(t, resp, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "http") {
		t.Fatalf("checkout went to %q, not Stripe", loc)
	}
	var orderID int64
	var ref string
	if err := s.db.NewRaw("SELECT id, payment_ref FROM orders ORDER BY id DESC LIMIT 1").Scan(context.Background(), &orderID, &ref); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(orderID, 10)
	expectStatus(t, b.get("/orders/"+id+"/pay"), http.StatusNotFound)

	page := b.get("/orders/" + id)
	confirming := page.doc(t).Find(`[data-testid="confirming"]`)
	if next, _ := confirming.Attr("hx-get"); next != "/orders/"+id+"?poll=1" {
		t.Fatalf("the pending order does not poll: %q", next)
	}
	if b.get("/orders/"+id+"?poll=30").doc(t).Find(`[data-testid="confirming"]`).Length() != 0 {
		t.Error("polling is not bounded")
	}

	session := func(amount int64) map[string]any {
		return map[string]any{
			"id": "cs_test_" + id, "object": "checkout.session", "client_reference_id": id,
			"amount_total": amount, "currency": "usd", "payment_status": "paid",
			"metadata": map[string]string{"payment_ref": ref},
		}
	}
	payload, sig := signedEvent(t, testWebhookSecret, "evt_1", "checkout.session.completed", session(2500))

	t.Run("BadSignature", func(t *testing.T) {
		_, wrong := signedEvent(t, "whsec_someone_else", "evt_1", "checkout.session.completed", session(2500))
		for name, header := range map[string]string{"missing": "", "wrong secret": wrong, "garbage": "t=1,v1=00"} {
			if code, _ := s.postWebhook(payload, header); code != http.StatusBadRequest {
				t.Errorf("%s signature: %d, want 400", name, code)
			}
		}
		if st := s.orderStatus(orderID); st != "pending" {
			t.Fatalf("a refused event changed the order: %s", st)
		}
	})

	t.Run("Paid", func(t *testing.T) {
		if code, body := s.postWebhook(payload, sig); code != http.StatusOK || body != "paid" {
			t.Fatalf("completed: %d %q", code, body)
		}
		if code, body := s.postWebhook(payload, sig); code != http.StatusOK || body != "replay" {
			t.Fatalf("replay: %d %q", code, body)
		}
		if st := s.orderStatus(orderID); st != "paid" {
			t.Fatalf("status %s, want paid", st)
		}
		if b.get("/orders/"+id+"?poll=3").doc(t).Find(`[data-testid="payment-received"]`).Length() != 1 {
			t.Fatal("the order page does not say the payment was received")
		}
	})

	t.Run("UnknownOrder", func(t *testing.T) {
		other := session(2500)
		other["client_reference_id"] = "999999"
		p, sg := signedEvent(t, testWebhookSecret, "evt_2", "checkout.session.completed", other)
		if code, body := s.postWebhook(p, sg); code != http.StatusOK || body != "unknown_order" {
			t.Fatalf("unknown order: %d %q", code, body)
		}
	})

	t.Run("AmountMismatchFlags", func(t *testing.T) {
		expectStatus(t, b.post("/cart/items", addForm(mug, "1")), http.StatusSeeOther)
		b.get("/cart")
		expectStatus(t, b.post("/checkout", url.Values{}), http.StatusSeeOther)
		var second int64
		if err := s.db.NewRaw("SELECT id, payment_ref FROM orders ORDER BY id DESC LIMIT 1").Scan(context.Background(), &second, &ref); err != nil {
			t.Fatal(err)
		}
		id = strconv.FormatInt(second, 10)
		p, sg := signedEvent(t, testWebhookSecret, "evt_3", "checkout.session.completed", session(1))
		if code, body := s.postWebhook(p, sg); code != http.StatusOK || body != "flagged" {
			t.Fatalf("mismatch: %d %q", code, body)
		}
		if st := s.orderStatus(second); st != "flagged" {
			t.Fatalf("status %s, want flagged", st)
		}
	})
}
