/**
 * Templates using the fields packer-plugin-vmware v2.1.0's own examples (example/iso, example/vmx) set validate with
 * no unknown field, and a wrong value is the plugin's Prepare error at its field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTemplate } from '../../../core/template/load';

function load(t: { after(fn: () => void): void }, text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-vmware-validate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'vm.pkr.hcl'), text);
  return loadTemplate(join(dir, 'vm.pkr.hcl')).diagnostics.map((d) => `${d.severity}: ${d.summary}`);
}

test('vmware-iso with the plugin example\'s fields validates cleanly', (t) => {
  assert.deepEqual(load(t, `source "vmware-iso" "debian" {
  vm_name              = "debian-12"
  guest_os_type        = "debian12-64"
  version              = 21
  headless             = false
  cpus                 = 2
  memory               = 2048
  disk_adapter_type    = "nvme"
  cdrom_adapter_type   = "sata"
  network_adapter_type = "e1000e"
  iso_url              = "https://cdimage.example/debian-12.iso"
  iso_checksum         = "sha256:${'b'.repeat(64)}"
  http_content         = { "/preseed.cfg" = "d-i debian-installer/locale string en_US" }
  boot_wait            = "5s"
  boot_command         = ["<wait><esc><wait>auto preseed/url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg<enter>"]
  ssh_username         = "packer"
  ssh_password         = "packer"
  ssh_timeout          = "30m"
  shutdown_command     = "echo 'packer' | sudo -S -E shutdown -P now"
  skip_compaction      = false
  output_directory     = "artifacts/debian-12"
  vmx_data             = { "cpuid.coresPerSocket" = "1" }
}

build {
  sources = ["source.vmware-iso.debian"]
}
`), []);
});

test('vmware-vmx with the plugin example\'s fields validates cleanly (linked = false is the zero value, so no not-used warning)', (t) => {
  assert.deepEqual(load(t, `source "vmware-vmx" "debian" {
  source_path      = "artifacts/debian-12/debian-12.vmx"
  vm_name          = "debian-12-clone"
  linked           = false
  headless         = true
  ssh_username     = "packer"
  ssh_password     = "packer"
  ssh_timeout      = "30m"
  shutdown_command = "sudo shutdown -P now"
  format           = "ova"
  output_directory = "artifacts/clone"
}

build {
  sources = ["source.vmware-vmx.debian"]
}
`), []);
});

test('the plugin\'s Prepare errors: network_adapter_type required, hardware version floor, tools_mode rules', (t) => {
  const problems = load(t, `source "vmware-iso" "x" {
  iso_url             = "https://cdimage.example/os.iso"
  iso_checksum        = "sha256:${'c'.repeat(64)}"
  version             = 13
  tools_upload_flavor = "linux"
  ssh_username        = "u"
  shutdown_command    = "halt"
}

build {
  sources = ["source.vmware-iso.x"]
}
`);
  assert.deepEqual(problems, [
    "error: 'network_adapter_type' is required; must be one of vmxnet3, e1000e, e1000",
    "error: invalid 'version' 13, minimum hardware version: 19",
    "error: 'tools_mode' must be explicitly specified when using any tools configuration",
  ]);
});
