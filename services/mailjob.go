package services

import (
	"context"
	"errors"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"
	gomail "github.com/wneessen/go-mail"

	"github.com/storefront/storefront/models"
)

// Mail always leaves through a job: the message is rendered and queued in the
// transaction of the change that causes it (a password reset, a paid order), so
// it is sent exactly when that change commits, and a slow or failing mail server
// never slows down, fails or undoes the change. The worker retries with River's
// growing delays.

// SendEmailArgs is the job that sends one email.
type SendEmailArgs struct {
	Email models.Email `json:"email"`
}

// Kind names the job in the queue; it must never change.
func (SendEmailArgs) Kind() string { return "send_email" }

// QueueEmail queues e in db, which should be the transaction of the change that
// causes the mail (see Jobs.Enqueue).
func (j *Jobs) QueueEmail(ctx context.Context, db bun.IDB, e models.Email) error {
	if err := e.Validate(); err != nil {
		return err
	}
	return j.Enqueue(ctx, db, SendEmailArgs{Email: e})
}

// QueueEmails queues several messages in db in one round trip (the mails of a
// paid order). A message that does not validate is skipped, with its
// validation error in skipped under its index; the others are queued. err is
// the database's.
func (j *Jobs) QueueEmails(ctx context.Context, db bun.IDB, emails []models.Email) (skipped map[int]error, err error) {
	params := make([]river.InsertManyParams, 0, len(emails))
	for i, e := range emails {
		if err := e.Validate(); err != nil {
			if skipped == nil {
				skipped = map[int]error{}
			}
			skipped[i] = err
			continue
		}
		params = append(params, river.InsertManyParams{Args: SendEmailArgs{Email: e}})
	}
	if len(params) == 0 {
		return skipped, nil
	}
	err = InTx(ctx, db, func(ctx context.Context, tx bun.Tx) error {
		_, err := j.inserter.InsertManyTx(ctx, tx.Tx, params)
		return err
	})
	return skipped, dbError("jobs: enqueue "+SendEmailArgs{}.Kind(), err)
}

// SendEmailWorker sends queued mail through m. A message that can never be sent
// (invalid, or refused by the server for good with a 5xx answer) is cancelled
// rather than retried 25 times; anything else is retried.
func SendEmailWorker(m Mailer) JobWorker {
	return WorkJob(func(ctx context.Context, args SendEmailArgs) error {
		err := m.Send(ctx, args.Email)
		if err != nil && permanentMailError(err) {
			return river.JobCancel(err)
		}
		return err
	})
}

func permanentMailError(err error) bool {
	if models.ErrorCode(err) == models.EINVALID {
		return true
	}
	var sendErr *gomail.SendError
	return errors.As(err, &sendErr) && !sendErr.IsTemp()
}
