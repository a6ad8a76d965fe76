/** The Vagrantfile inside a box: the provider's defaults, then the template's custom part, framed as Packer frames them. */

export function boxVagrantfile(providerPart: string, customPart: string): string {
  return `
# The contents below were provided by the Packer Vagrant post-processor
${providerPart}

# The contents below (if any) are custom contents provided by the
# Packer template during image build.
${customPart}
`;
}

export function libvirtVagrantfile(driver: string): string {
  return `
Vagrant.configure("2") do |config|
  config.vm.provider :libvirt do |libvirt|
    libvirt.driver = "${driver}"
  end
end
`;
}

export function virtualboxVagrantfile(baseMac: string): string {
  return `
Vagrant.configure("2") do |config|
  config.vm.base_mac = "${baseMac}"
end
`;
}

export function dockerVagrantfile(image: string): string {
  return `
Vagrant.configure("2") do |config|
	config.vm.provider :docker do |docker, override|
		docker.image = "${image}"
	end
end
`;
}
