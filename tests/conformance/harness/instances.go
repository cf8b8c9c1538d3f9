package harness

// Data source uids are unique per org only (Grafana's index UQE_data_source_org_id_uid is
// on (org_id, uid)); the SDK keys instances by the global numeric id (instance_provider.go GetKey /
// instanceKey). Two orgs with a Flowlens data source of the same uid must not share an instance.
import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

func testSameUIDInTwoOrgs(t *testing.T) {
	p := Start(t, Options{})
	root := func(host string) string {
		d := t.TempDir()
		line := "2017-01-27 16:24:42,tcp,closed," + host + ",60707,74.201.65.31,443,21687,8999\n"
		if err := os.WriteFile(filepath.Join(d, "flows.csv"), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
		return d
	}
	pc := func(org, id int64, dir string) *pluginv2.PluginContext {
		js, _ := json.Marshal(map[string]interface{}{"store": "file", "file": map[string]string{"root": dir}})
		return &pluginv2.PluginContext{OrgId: org, PluginId: PluginID, DataSourceInstanceSettings: &pluginv2.DataSourceInstanceSettings{
			Id: id, Uid: "flowlens", Name: "Flowlens", JsonData: js, LastUpdatedMS: 1709251200000,
		}}
	}
	hosts := func(ctx *pluginv2.PluginContext) string {
		from := time.Date(2017, 1, 27, 0, 0, 0, 0, time.UTC).UnixMilli()
		c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		res, err := p.Data.QueryData(c, &pluginv2.QueryDataRequest{PluginContext: ctx, Queries: []*pluginv2.DataQuery{{
			RefId: "A", QueryType: "hosts", Json: []byte(`{"refId":"A","queryType":"hosts"}`),
			TimeRange: &pluginv2.TimeRange{FromEpochMS: from, ToEpochMS: from + 2*86400000},
		}}})
		if err != nil {
			t.Fatal(err)
		}
		r := res.Responses["A"]
		if r.Error != "" {
			t.Fatalf("hosts: %s", r.Error)
		}
		frames, err := data.UnmarshalArrowFrames(r.Frames)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range frames {
			for _, fl := range f.Fields {
				for i := 0; i < fl.Len(); i++ {
					if v, ok := fl.ConcreteAt(i); ok {
						if s, ok := v.(string); ok {
							out = append(out, s)
						}
					}
				}
			}
		}
		return strings.Join(out, ",")
	}
	org1 := hosts(pc(1, 11, root("10.1.1.1")))
	org2 := hosts(pc(2, 12, root("10.2.2.2")))
	if !strings.Contains(org1, "10.1.1.1") {
		t.Fatalf("org 1 hosts %q", org1)
	}
	if !strings.Contains(org2, "10.2.2.2") || strings.Contains(org2, "10.1.1.1") {
		t.Errorf("org 2 (data source id 12, uid flowlens) got hosts %q: answered from org 1's data source (id 11, same uid)", org2)
	}
}
