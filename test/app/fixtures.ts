/** A fresh data folder and a small real template (null builder, shell-local) for each app test. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEMPLATE = `variable "greeting" {
  type        = string
  default     = "hello"
  description = "What the build says."
}

variable "password" {
  type      = string
  default   = "hunter2-secret"
  sensitive = true
}

locals {
  banner = "\${var.greeting} world"
}

source "null" "box" {
  communicator = "none"
}

source "null" "other" {
  communicator = "none"
}

build {
  sources = ["source.null.box", "source.null.other"]

  provisioner "shell-local" {
    inline = ["echo \${local.banner}", "echo pw=\${var.password}"]
  }

  provisioner "shell-local" {
    only   = ["null.box"]
    inline = ["echo second"]
  }

  post-processor "shell-local" {
    inline = ["echo done"]
  }
}
`;

export interface Workspace {
  dir: string;
  dataDir: string;
  templatePath: string;
}

export function workspace(text = TEMPLATE, name = 'build.pkr.hcl'): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'bakehouse-app-'));
  const dataDir = join(dir, 'data');
  mkdirSync(join(dir, 'tpl'));
  const templatePath = join(dir, 'tpl', name);
  writeFileSync(templatePath, text);
  return { dir, dataDir, templatePath };
}

/** Line and column (1-based) of the first occurrence of `needle` in `text`, plus `shift` characters. */
export function positionOf(text: string, needle: string, shift = 0): { line: number; column: number } {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`${needle} not in text`);
  const before = text.slice(0, i + shift);
  return { line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
}
