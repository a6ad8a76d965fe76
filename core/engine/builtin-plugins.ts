/** The plugins Bakehouse ships with; the CLI and the app start from this registry. */
import { amazonEbsBuilder } from '../builders/amazon-ebs/builder';
import { azureArmBuilder } from '../builders/azure-arm/builder';
import { googlecomputeBuilder } from '../builders/googlecompute/builder';
import { dockerBuilder } from '../builders/docker/builder';
import { nullBuilder } from '../builders/null/builder';
import { qemuBuilder } from '../builders/qemu/builder';
import { virtualboxIsoBuilder } from '../builders/virtualbox-iso/builder';
import { virtualboxOvfBuilder } from '../builders/virtualbox-ovf/builder';
import { vmwareIsoBuilder } from '../builders/vmware-iso/builder';
import { vmwareVmxBuilder } from '../builders/vmware-vmx/builder';
import { amazonImportPostProcessor } from '../post-processors/amazon-import/post-processor';
import { artificePostProcessor } from '../post-processors/artifice/post-processor';
import { checksumPostProcessor } from '../post-processors/checksum/post-processor';
import { compressPostProcessor } from '../post-processors/compress/post-processor';
import { dockerImportPostProcessor } from '../post-processors/docker-import/post-processor';
import { dockerPushPostProcessor } from '../post-processors/docker-push/post-processor';
import { dockerSavePostProcessor } from '../post-processors/docker-save/post-processor';
import { dockerTagPostProcessor } from '../post-processors/docker-tag/post-processor';
import { manifestPostProcessor } from '../post-processors/manifest/post-processor';
import { shellLocalPostProcessor } from '../post-processors/shell-local/post-processor';
import { uploadPostProcessor } from '../post-processors/upload/post-processor';
import { vagrantPostProcessor } from '../post-processors/vagrant/post-processor';
import { chefSoloProvisioner } from '../provisioners/chef-solo/provisioner';
import { puppetMasterlessProvisioner } from '../provisioners/puppet-masterless/provisioner';
import { saltMasterlessProvisioner } from '../provisioners/salt-masterless/provisioner';
import { ansibleProvisioner } from '../provisioners/ansible/provisioner';
import { ansibleLocalProvisioner } from '../provisioners/ansible-local/provisioner';
import { breakpointProvisioner } from '../provisioners/breakpoint/provisioner';
import { fileProvisioner } from '../provisioners/file/provisioner';
import { shellProvisioner } from '../provisioners/shell/provisioner';
import { shellLocalProvisioner } from '../provisioners/shell-local/provisioner';
import { powershellProvisioner } from '../provisioners/powershell/provisioner';
import { windowsRestartProvisioner } from '../provisioners/windows-restart/provisioner';
import { windowsShellProvisioner } from '../provisioners/windows-shell/provisioner';
import { PluginRegistry } from './plugin';

export function builtinPlugins(): PluginRegistry {
  return new PluginRegistry()
    .addBuilder(nullBuilder)
    .addProvisioner(shellLocalProvisioner)
    .addProvisioner(breakpointProvisioner)
    .addPostProcessor(shellLocalPostProcessor)
    .addPostProcessor(artificePostProcessor)
    .addPostProcessor(checksumPostProcessor)
    .addPostProcessor(compressPostProcessor)
    .addPostProcessor(manifestPostProcessor)
    .addPostProcessor(uploadPostProcessor)
    .addBuilder(dockerBuilder)
    .addBuilder(qemuBuilder)
    .addBuilder(amazonEbsBuilder)
    .addBuilder(azureArmBuilder)
    .addBuilder(googlecomputeBuilder)
    .addPostProcessor(amazonImportPostProcessor)
    .addProvisioner(shellProvisioner)
    .addProvisioner(fileProvisioner)
    .addPostProcessor(dockerTagPostProcessor)
    .addPostProcessor(dockerPushPostProcessor)
    .addPostProcessor(dockerSavePostProcessor)
    .addPostProcessor(dockerImportPostProcessor)
    .addBuilder(virtualboxIsoBuilder)
    .addBuilder(virtualboxOvfBuilder)
    .addBuilder(vmwareIsoBuilder)
    .addBuilder(vmwareVmxBuilder)
    .addPostProcessor(vagrantPostProcessor)
    .addProvisioner(puppetMasterlessProvisioner)
    .addProvisioner(chefSoloProvisioner)
    .addProvisioner(saltMasterlessProvisioner)
    .addProvisioner(ansibleProvisioner)
    .addProvisioner(ansibleLocalProvisioner)
    .addProvisioner(windowsShellProvisioner)
    .addProvisioner(powershellProvisioner)
    .addProvisioner(windowsRestartProvisioner);
}
