package host

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-hclog"
	"github.com/zclconf/go-cty/cty"

	pb "github.com/easelhq/easel/plugins/proto"
)

func TestPathFromProto(t *testing.T) {
	step := func(s any) *pb.AttributePath_Step {
		switch s := s.(type) {
		case string:
			return &pb.AttributePath_Step{Selector: &pb.AttributePath_Step_AttributeName{AttributeName: s}}
		case int:
			return &pb.AttributePath_Step{Selector: &pb.AttributePath_Step_ElementKeyInt{ElementKeyInt: int64(s)}}
		}
		panic("bad step")
	}
	key := &pb.AttributePath_Step{Selector: &pb.AttributePath_Step_ElementKeyString{ElementKeyString: "twitter"}}
	tests := []struct {
		name string
		in   *pb.AttributePath
		want cty.Path
	}{
		{name: "whole block", in: nil, want: nil},
		{name: "attribute", in: &pb.AttributePath{Steps: []*pb.AttributePath_Step{step("size")}}, want: cty.GetAttrPath("size")},
		{name: "list element", in: &pb.AttributePath{Steps: []*pb.AttributePath_Step{step("styles"), step(2)}},
			want: cty.GetAttrPath("styles").IndexInt(2)},
		{name: "map key", in: &pb.AttributePath{Steps: []*pb.AttributePath_Step{step("labels"), key}},
			want: cty.GetAttrPath("labels").IndexString("twitter")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, pathFromProto(tc.in), ctyCmp); diff != "" {
				t.Errorf("path (-want +got):\n%s", diff)
			}
		})
	}
}

// Marked values (sensitive ones) cannot be msgpack-encoded; the host strips
// the marks and the value crosses intact.
func TestEncodeValueStripsMarks(t *testing.T) {
	v := cty.ObjectVal(map[string]cty.Value{
		"api_key": cty.StringVal("secret").Mark("sensitive"),
		"tags":    cty.ListVal([]cty.Value{cty.StringVal("a").Mark("x")}),
		"unset":   cty.NullVal(cty.Number),
		"later":   cty.UnknownVal(cty.String),
	})
	dv, err := pb.EncodeValue(v)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pb.DecodeValue(dv)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := v.UnmarkDeep()
	if diff := cmp.Diff(want, got, ctyCmp); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if nv, err := pb.EncodeValue(cty.NilVal); nv != nil || err != nil {
		t.Errorf("pb.EncodeValue(NilVal) = %v, %v; want no value", nv, err)
	}
}

func TestLogWriterLogsLines(t *testing.T) {
	var logs syncBuffer
	w := newLogWriter(hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Debug}), "stderr")
	for _, s := range []string{"first li", "ne\nsecond line\r\n", "\n", strings.Repeat("x", maxLogLine+10)} {
		if n, err := w.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		_, msg, _ := strings.Cut(line, "[DEBUG] ")
		got = append(got, strings.TrimSuffix(msg, ": stream=stderr"))
	}
	want := []string{"first line", "second line", strings.Repeat("x", maxLogLine+10)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("logged lines (-want +got):\n%s", diff)
	}
}
