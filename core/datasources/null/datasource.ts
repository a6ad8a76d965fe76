/** Packer's `null` data source: hands its `input` back as `output` (datasource/null in Packer 1.14). */
import { problem, viewOf, type Check } from '../../components/checks';
import { ok } from '../../common/result';
import { objectOf, T_STRING } from '../../template/values/type';
import { markSensitive, object, str } from '../../template/values/value';
import { dataSourceSchema } from '../schema';
import type { DataSourceType } from '../types';

const inputRequired: Check = (c) => (c.isSet('input') ? [] : [problem('The `input` must be specified')]);

export const nullDataSource: DataSourceType = {
  schema: dataSourceSchema('null', 'Returns its input as its output; for trying data sources out.', {
    input: 'The string the data source returns as `output`.',
  }),
  checks: [inputRequired],
  output: objectOf({ output: T_STRING }),
  run: {
    kind: 'pure',
    run: (config) => {
      // A secret stays one: the output of a sensitive input is masked wherever it goes.
      const output = markSensitive(str(viewOf(config).string('input')), config.values.input?.sensitive === true);
      return ok({ value: object({ output }), warnings: [] });
    },
  },
};
