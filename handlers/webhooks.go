package handlers

import (
	"context"
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// stripeEvents is what the Stripe webhook asks of services.StripePayments,
// which checks the signature itself (with STRIPE_WEBHOOK_SECRET).
type stripeEvents interface {
	HandleWebhook(ctx context.Context, payload []byte, signature string) (models.PaymentOutcome, error)
}

// webhookHandlers serve payment providers' callbacks.
type webhookHandlers struct {
	log    *slog.Logger
	stripe stripeEvents
}

// webhookBodyLimit is the largest event the shop accepts: Stripe's checkout
// events are a few kilobytes.
const webhookBodyLimit = 256 << 10

// stripeSignatureHeader carries Stripe's signature of the body.
const stripeSignatureHeader = "Stripe-Signature"

// stripeSignature refuses, before any work, a call that is too large or has no
// signature at all (400); the signature itself is verified by the service
// against the body, and a wrong one is a 400 as well (stripe).
func stripeSignature(c *fiber.Ctx) error {
	if len(c.Body()) > webhookBodyLimit {
		return fiber.ErrRequestEntityTooLarge
	}
	if c.Get(stripeSignatureHeader) == "" {
		return c.Status(fiber.StatusBadRequest).SendString("missing Stripe-Signature")
	}
	return c.Next()
}

// stripeEvent handles one Stripe event: a bad signature is a 400 and changes
// nothing; a replay, an unknown order or an ignored type is a 200 (Stripe
// retries anything else for days); a database failure is a 5xx, retried.
func (h *webhookHandlers) stripeEvent(c *fiber.Ctx) error {
	outcome, err := h.stripe.HandleWebhook(c.UserContext(), c.Body(), c.Get(stripeSignatureHeader))
	if errors.Is(err, services.ErrBadWebhookSignature) {
		h.log.WarnContext(c.UserContext(), "stripe webhook refused", "rid", requestID(c), "error", err.Error())
		return c.Status(fiber.StatusBadRequest).SendString("bad signature")
	}
	if err != nil {
		return err
	}
	h.log.InfoContext(c.UserContext(), "stripe webhook", "rid", requestID(c), "outcome", string(outcome))
	return c.Status(fiber.StatusOK).SendString(string(outcome))
}
