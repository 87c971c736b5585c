// Command bareclient is the apply benchmark's baseline: the same N image
// requests easel's openai provider makes, P at a time, from one process
// with nothing else to do (no configuration, plan, provider process,
// files or lockfile). Its wall time is what this machine and the fake
// server allow; easel's wall time over it is easel's own cost.
//
//	bareclient -url http://127.0.0.1:18931/v1 -key KEY -n 500 -p 64
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	url := flag.String("url", "", "base URL of the OpenAI-compatible API, ending in /v1")
	key := flag.String("key", "", "API key")
	n := flag.Int("n", 500, "images to request")
	p := flag.Int("p", 64, "requests at once")
	flag.Parse()
	if err := run(*url, *key, *n, *p); err != nil {
		fmt.Fprintln(os.Stderr, "bareclient:", err)
		os.Exit(1)
	}
}

func run(url, key string, n, p int) error {
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: p, MaxIdleConnsPerHost: p}}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, p)
	start := time.Now()
	for range p {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				if err := generate(client, url, key, i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	fmt.Printf("%.3f\n", time.Since(start).Seconds())
	return nil
}

// generate makes the request the benchmark's images make, and reads and
// decodes the answer as the provider does.
func generate(client *http.Client, url, key string, i int64) error {
	body, err := json.Marshal(map[string]any{
		"model": "gpt-image-2", "size": "1024x1024", "quality": "low", "output_format": "png",
		"prompt": fmt.Sprintf("Product shot %d, flat vector illustration, brand blue", i),
	})
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, url+"/images/generations", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var answer struct {
		Data []struct {
			B64JSON string `json:"b64_json"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &answer); err != nil || resp.StatusCode != http.StatusOK || len(answer.Data) == 0 {
		return fmt.Errorf("image %d: status %d: %.200s", i, resp.StatusCode, data)
	}
	_, err = base64.StdEncoding.DecodeString(answer.Data[0].B64JSON)
	return err
}
