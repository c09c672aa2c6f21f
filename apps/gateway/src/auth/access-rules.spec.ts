import 'reflect-metadata';
import { GatewayModule } from '../gateway.module';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { AuthGuard } from './auth.guard';

type Handler = (...args: unknown[]) => unknown;

/** Every route of the gateway states who may call it, and runs behind the guard that enforces it. */
describe('gateway access rules', () => {
  const controllers = Reflect.getMetadata('controllers', GatewayModule) as Array<new (...args: never[]) => object>;

  it('covers every controller', () => {
    expect(controllers.length).toBeGreaterThanOrEqual(10);
  });

  it.each(controllers.map((c) => [c.name, c] as const))('%s: guarded, and every route has @Roles or @Public', (_name, controller) => {
    expect(Reflect.getMetadata('__guards__', controller)).toContain(AuthGuard);
    const routes = Object.getOwnPropertyNames(controller.prototype)
      .map((key) => [key, (controller.prototype as Record<string, Handler>)[key]] as const)
      .filter(([key, fn]) => key !== 'constructor' && typeof fn === 'function' && Reflect.getMetadata('method', fn as object) !== undefined);
    expect(routes.length).toBeGreaterThan(0);
    for (const [key, fn] of routes) {
      const rule = Reflect.getMetadata(ROLES_KEY, fn as object) ?? Reflect.getMetadata(PUBLIC_KEY, fn as object) ?? Reflect.getMetadata(ROLES_KEY, controller);
      expect({ route: `${controller.name}.${key}`, rule: rule !== undefined }).toEqual({ route: `${controller.name}.${key}`, rule: true });
    }
  });
});
