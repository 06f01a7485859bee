package testenv

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

const (
	s3Region       = "us-east-1"
	s3BucketPrefix = "storefront-test-"
)

// s3Server is a versitygw S3 gateway over a temporary directory. Object metadata
// goes to a sidecar directory instead of extended attributes, so any filesystem
// will do (tmpfs without user xattrs included).
type s3Server struct {
	dir               string
	port              int
	accessKey, secret string
	proc              *process
}

func newS3Server(ctx context.Context, logf func(string, ...any)) (*s3Server, error) {
	bin, err := toolPath(ctx, versitygwPkg, logf)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "storefront-s3-")
	if err != nil {
		return nil, err
	}
	s := &s3Server{dir: dir, accessKey: "shop" + randomHex()[:8], secret: randomHex() + randomHex()}
	for _, sub := range []string{"data", "meta"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, errors.Join(err, os.RemoveAll(dir))
		}
	}
	if _, err := startOnFreePort(func(port int) error {
		s.port = port
		return s.start(ctx, bin)
	}); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	return s, nil
}

func (s *s3Server) start(ctx context.Context, bin string) error {
	cmd := exec.Command(bin,
		"--port", s.addr(),
		"--health", "/health",
		"--quiet",
		"posix", "--sidecar", filepath.Join(s.dir, "meta"), filepath.Join(s.dir, "data"))
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+s.accessKey, "ROOT_SECRET_KEY="+s.secret)
	p, err := startProcess(cmd, filepath.Join(s.dir, "versitygw.log"), nil, syscall.SIGKILL)
	if err != nil {
		return err
	}
	if err := p.waitReady(ctx, func(ctx context.Context) error { return httpOK(ctx, s.endpoint()+"/health") }); err != nil {
		return errors.Join(err, p.stopWithSignal(syscall.SIGKILL, stopTimeout))
	}
	s.proc = p
	return nil
}

func (s *s3Server) destroy() error {
	var err error
	if s.proc != nil {
		err = s.proc.stopWithSignal(syscall.SIGTERM, stopTimeout)
		s.proc = nil
	}
	return errors.Join(err, os.RemoveAll(s.dir))
}

func (s *s3Server) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

func (s *s3Server) endpoint() string { return "http://" + s.addr() }

// createBucket creates an empty bucket with a random name and returns the
// gocloud.dev URL of it (the app's BLOB_URL form).
func (s *s3Server) createBucket(ctx context.Context) (string, error) {
	name := s3BucketPrefix + randomHex()
	client := s3.New(s3.Options{
		Region:       s3Region,
		BaseEndpoint: aws.String(s.endpoint()),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s.accessKey, s.secret, ""),
	})
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		return "", err
	}
	return s.bucketURL(name), nil
}

func (s *s3Server) bucketURL(bucket string) string {
	q := url.Values{"endpoint": {s.endpoint()}, "region": {s3Region}, "use_path_style": {"true"}}
	return (&url.URL{Scheme: "s3", Host: bucket, RawQuery: q.Encode()}).String()
}

// S3Credentials are the access key and secret of the shared S3 server; the app
// reads them, like any AWS SDK program, from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY.
type S3Credentials struct {
	AccessKeyID, SecretAccessKey string
}

// Env returns the credentials as environment variables for a process.
func (c S3Credentials) Env() []string {
	return []string{"AWS_ACCESS_KEY_ID=" + c.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey}
}

// S3 returns the URL of a new, empty bucket
// (s3://storefront-test-<hex>?endpoint=http://127.0.0.1:PORT&region=us-east-1&use_path_style=true)
// on an S3-compatible server (versitygw) shared by the whole test binary, and
// sets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the test (tb.Setenv), which
// is where the AWS SDK, and so the app, reads credentials from; the test cannot be
// parallel. S3Bucket leaves the environment alone. The package must use Main.
func S3(tb testing.TB) string {
	tb.Helper()
	u, creds := S3Bucket(tb)
	tb.Setenv("AWS_ACCESS_KEY_ID", creds.AccessKeyID)
	tb.Setenv("AWS_SECRET_ACCESS_KEY", creds.SecretAccessKey)
	return u
}

// S3Bucket is S3 without the environment: it returns the bucket URL and the
// credentials, for tests that start the app as a subprocess (S3Credentials.Env)
// or run in parallel. The server is started on first use and stopped by Main;
// buckets go with it.
func S3Bucket(tb testing.TB) (string, S3Credentials) {
	tb.Helper()
	requireMain(tb)
	sharedS3Once.Do(func() { sharedS3, sharedS3Err = newS3Server(context.Background(), tb.Logf) })
	if sharedS3Err != nil {
		tb.Fatalf("testenv: start S3 server: %v", sharedS3Err)
	}
	ctx, cancel := opContext()
	defer cancel()
	u, err := sharedS3.createBucket(ctx)
	if err != nil {
		tb.Fatalf("testenv: create S3 bucket: %v", err)
	}
	return u, sharedS3.credentials()
}

func (s *s3Server) credentials() S3Credentials {
	return S3Credentials{AccessKeyID: s.accessKey, SecretAccessKey: s.secret}
}
