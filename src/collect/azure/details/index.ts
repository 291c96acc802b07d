import { appServiceWebConfig } from './app-service.js';
import { bastionShareableLinks } from './bastion.js';
import type { ArmDetail } from './detail.js';
import { scaleSetNetworkInterfaces, scaleSetPublicIpAddresses } from './scale-set-network.js';

/** Every ARM detail collected beyond Resource Graph; one file and one line each. */
export const ARM_DETAILS: readonly ArmDetail[] = [scaleSetNetworkInterfaces, scaleSetPublicIpAddresses, appServiceWebConfig, bastionShareableLinks];

export type { ArmDetail, DetailClients } from './detail.js';
