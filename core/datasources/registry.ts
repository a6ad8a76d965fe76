/** Every data source type Bakehouse knows, by Packer's type name. A new type is a folder here and one line below. */
import { amazonDataSources } from './amazon/datasource';
import { hcpPackerDataSources } from './hcp-packer/datasource';
import { httpDataSource } from './http/datasource';
import { nullDataSource } from './null/datasource';
import type { DataSourceType } from './types';

const DATA_SOURCES: readonly DataSourceType[] = [nullDataSource, httpDataSource, ...hcpPackerDataSources, ...amazonDataSources];

const BY_TYPE = new Map(DATA_SOURCES.map((d) => [d.schema.type, d]));

export function dataSourceType(type: string): DataSourceType | undefined {
  return BY_TYPE.get(type);
}

/** Sorted, as the "known data sources" list of an unknown type's error. */
export function dataSourceTypeNames(): string[] {
  return [...BY_TYPE.keys()].sort();
}
