# Bakehouse's starter: a Debian image built with Docker, customised by two shell steps and a file,
# tagged and recorded in a manifest. Build it with: bakehouse build resources/examples/docker-debian
packer {
  required_version = ">= 1.7.0"
  required_plugins {
    docker = {
      version = ">= 1.1.0"
      source  = "github.com/hashicorp/docker"
    }
  }
}

variable "base_image" {
  type        = string
  default     = "local/debian:bookworm"
  description = "The image to start from."
}

variable "greeting" {
  type    = string
  default = "Hello from Bakehouse"
}

locals {
  repository = "bakehouse/example"
}

source "docker" "debian" {
  image  = var.base_image
  pull   = false
  commit = true
  changes = [
    "ENV GREETING=\"${var.greeting}\"",
    "WORKDIR /srv",
    "ENTRYPOINT [\"cat\"]",
    "CMD [\"/srv/motd\"]",
    "LABEL org.opencontainers.image.title=bakehouse-example",
  ]
}

build {
  name    = "example"
  sources = ["source.docker.debian"]

  provisioner "shell" {
    inline = [
      "mkdir -p /srv",
      "echo \"$GREETING\" > /srv/motd",
    ]
    environment_vars = ["GREETING=${var.greeting}"]
  }

  provisioner "file" {
    content     = "built by ${build.name}\n"
    destination = "/srv/built-by"
  }

  provisioner "shell" {
    inline = ["ls -l /srv"]
  }

  post-processors {
    post-processor "docker-tag" {
      repository = local.repository
      tags       = ["latest"]
    }
    post-processor "manifest" {
      output     = "manifest.json"
      strip_path = true
    }
  }
}
